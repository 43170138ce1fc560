import { describe, expect, it } from "vitest"
import type { StatisticResult } from "../../src/domain/statistic-result.js"
import { renderExperimentReport } from "../../src/report/experiment-page.js"
import { formatProbability, formatPValue } from "../../src/report/format.js"
import type { ExperimentReport } from "../../src/report/report-model.js"
import { significanceOf } from "../../src/report/significance.js"
import { attributesOf, textOf } from "../support/dom.js"

/**
 * p-values, their adjustment for multiple comparisons, chance to beat and always-valid
 * intervals, as the page shows them: rows with known values in, the page's text out.
 */

interface Spec {
  readonly statistic?: string
  readonly metric?: string
  readonly branch?: string
  readonly comparison?: StatisticResult["comparison"]
  readonly point?: number
  readonly ciWidth?: number | null
  readonly pValue?: number
  readonly adjusted?: number
}

const row = (spec: Spec): StatisticResult => {
  const comparison = spec.comparison ?? null
  const chance = comparison === "chance_to_beat"
  const point = spec.point ?? 0.1
  return {
    metric: spec.metric ?? "active_hours",
    statistic: spec.statistic ?? "t_test",
    parameter: null,
    branch: spec.branch ?? "control",
    comparison,
    comparison_to_branch: comparison === null ? null : "control",
    ci_width: spec.ciWidth === undefined ? (chance ? null : 0.95) : spec.ciWidth,
    point,
    lower: chance ? null : point - 0.05,
    upper: chance ? null : point + 0.05,
    segment: "all",
    analysis_basis: "enrollments",
    window_index: "1",
    ...(spec.pValue === undefined ? {} : { p_value: spec.pValue }),
    ...(spec.adjusted === undefined ? {} : { p_value_adjusted: spec.adjusted }),
  }
}

/** Branch rows, and a difference and relative uplift per treatment with its p-values. */
const tested = (
  statistic: string,
  treatments: Readonly<Record<string, { readonly p?: number; readonly adjusted?: number }>>,
): StatisticResult[] => [
  row({ statistic, branch: "control", point: 5 }),
  ...Object.entries(treatments).flatMap(([branch, { p, adjusted }]) => [
    row({ statistic, branch, point: 5.2 }),
    ...(["difference", "relative_uplift"] as const).map((comparison) =>
      row({
        statistic,
        branch,
        comparison,
        ...(p === undefined ? {} : { pValue: p }),
        ...(adjusted === undefined ? {} : { adjusted }),
      }),
    ),
  ]),
]

const report = (
  statistics: ReadonlyArray<StatisticResult>,
  overrides: Partial<ExperimentReport> = {},
): ExperimentReport => ({
  slug: "demo-x",
  name: "Demo X",
  status: "analysed",
  startDate: "2026-01-01",
  endDate: "2026-02-01",
  referenceBranch: "control",
  branches: ["control", "treatment-a", "treatment-b", "treatment-c"].map((slug) => ({
    slug,
    ratio: 1,
  })),
  metrics: [
    { slug: "active_hours", friendlyName: "Active hours", description: "", biggerIsBetter: true },
  ],
  outcomes: [],
  statistics: { overall: statistics },
  problems: [],
  generatedAt: null,
  ...overrides,
})

/** Each result cell's text, by statistic|branch|comparison. */
const cellTexts = (page: string): Map<string, string> =>
  new Map(
    [...page.matchAll(/<td\b([^>]*\bdata-point="[^"]*"[^>]*)>([\s\S]*?)<\/td>/g)].map(
      ([, attributes = "", inner = ""]) => {
        const a = attributesOf(attributes)
        const key = [a.get("data-statistic"), a.get("data-branch"), a.get("data-comparison")]
        return [key.join("|"), textOf(inner)]
      },
    ),
  )

/** Each statistic block's heading and what follows it up to the next block. */
const blocks = (page: string): ReadonlyArray<{ heading: string; body: string }> =>
  page
    .split('<div class="statistic-block">')
    .slice(1)
    .map((block) => ({
      heading: textOf(/<h5>([\s\S]*?)<\/h5>/.exec(block)?.[1] ?? ""),
      body: block,
    }))

describe("p-values and their marks", () => {
  it("formats p-values to 3 significant digits cut short, never rounded up to a level", () => {
    expect(formatPValue(0.012)).toBe("0.012")
    expect(formatPValue(0.036)).toBe("0.036")
    expect(formatPValue(0.04996)).toBe("0.0499")
    expect(formatPValue(0.123456)).toBe("0.123")
    expect(formatPValue(1)).toBe("1")
    expect(formatPValue(0.00003)).toBe("< 0.0001")
    expect(formatPValue(null)).toBe("—")
  })

  it("decides on the adjusted p-value where there is one, at 1 − the interval's level", () => {
    const verdict = (spec: Spec) => significanceOf(row({ comparison: "difference", ...spec }))?.kind
    expect(verdict({ pValue: 0.004, adjusted: 0.01 })).toBe("significant")
    expect(verdict({ pValue: 0.2, adjusted: 0.2 })).toBe("not significant")
    expect(verdict({ pValue: 0.03, adjusted: 0.09 })).toBe("not significant after correction")
    expect(verdict({ pValue: 0.03 })).toBe("significant")
    // Exactly the level is not below it (1 − 0.95 is 0.050000000000000044 in floating point).
    expect(verdict({ pValue: 0.05 })).toBe("not significant")
    // A 90% interval holds p-values to 0.1; one without a level to 0.05.
    expect(verdict({ pValue: 0.07, ciWidth: 0.9 })).toBe("significant")
    expect(verdict({ pValue: 0.07, ciWidth: null })).toBe("not significant")
    expect(verdict({})).toBeUndefined()
  })

  const rows = tested("t_test", {
    "treatment-a": { p: 0.004, adjusted: 0.01 },
    "treatment-b": { p: 0.03, adjusted: 0.09 },
    "treatment-c": { p: 0.2, adjusted: 0.2 },
  })
  const page = renderExperimentReport(report(rows, { multipleTesting: "holm" }))
  const cells = cellTexts(page)

  it("shows the raw and adjusted p-value in each comparison, and marks what is significant after correction", () => {
    expect(cells.get("t_test|treatment-a|difference")).toBe(
      "+0.1 [+0.05, +0.15] p = 0.004 · adj. 0.01 significant",
    )
    expect(cells.get("t_test|treatment-a|relative_uplift")).toContain("significant")
    expect(cells.get("t_test|treatment-b|difference")).toBe(
      "+0.1 [+0.05, +0.15] p = 0.03 · adj. 0.09 not significant after correction",
    )
    expect(cells.get("t_test|treatment-c|difference")).toBe(
      "+0.1 [+0.05, +0.15] p = 0.2 · adj. 0.2",
    )
    expect(cells.get("t_test|control|none")).toBe("5 [4.95, 5.05]")
  })

  it("explains each mark in its title, and keeps the exact p-values in data attributes", () => {
    expect(page).toContain(
      `title="Significant after correction for multiple comparisons: adjusted p = 0.01, below 0.05."`,
    )
    expect(page).toContain(`title="p = 0.03 is below 0.05, but adjusted p = 0.09 is not:`)
    expect(page).toMatch(
      /data-branch="treatment-b" data-comparison="difference"[^>]*data-p-value="0.03" data-p-value-adjusted="0.09"/,
    )
  })

  it("names the correction in the header, and says in the footer what the marks mean", () => {
    const text = textOf(page)
    expect(text).toContain("p-values adjusted for multiple comparisons by Holm's method")
    expect(text).toContain("“not significant after correction” marks one whose p-value")
    const unnamed = textOf(renderExperimentReport(report(rows)))
    expect(unnamed).toContain("p-values adjusted for multiple comparisons")
    expect(unnamed).not.toContain("Holm")
  })

  it("marks a raw p-value below the level as significant when nothing was adjusted", () => {
    const unadjusted = renderExperimentReport(
      report(tested("mean_lm", { "treatment-a": { p: 0.03 }, "treatment-b": { p: 0.3 } })),
    )
    const unadjustedCells = cellTexts(unadjusted)
    expect(unadjustedCells.get("mean_lm|treatment-a|difference")).toBe(
      "+0.1 [+0.05, +0.15] p = 0.03 significant",
    )
    expect(unadjustedCells.get("mean_lm|treatment-b|difference")).toBe(
      "+0.1 [+0.05, +0.15] p = 0.3",
    )
    expect(unadjusted).toContain("(not adjusted for multiple comparisons)")
    expect(textOf(unadjusted)).not.toContain("p-values adjusted for multiple comparisons")
  })

  it("says nothing of p-values on a page without them", () => {
    const plain = renderExperimentReport(
      report([
        row({ statistic: "mean", point: 5 }),
        row({ statistic: "mean", branch: "treatment-a", comparison: "difference" }),
      ]),
    )
    expect(plain).not.toMatch(/class="(p|significance)\b/)
    expect(textOf(plain)).not.toContain("p-values")
  })
})

describe("chance to beat", () => {
  it("formats a probability as an unsigned percentage with one decimal", () => {
    expect(formatProbability(0.973)).toBe("97.3%")
    expect(formatProbability(0.5)).toBe("50.0%")
    expect(formatProbability(0.0123)).toBe("1.2%")
    expect(formatProbability(0.9996)).toBe("> 99.9%")
    expect(formatProbability(0.0004)).toBe("< 0.1%")
    expect(formatProbability(null)).toBe("—")
  })

  const rows = [
    ...tested("bayesian_gaussian", { "treatment-a": {}, "treatment-b": {} }),
    row({
      statistic: "bayesian_gaussian",
      branch: "treatment-a",
      comparison: "chance_to_beat",
      point: 0.973,
    }),
    row({
      statistic: "bayesian_gaussian",
      branch: "treatment-b",
      comparison: "chance_to_beat",
      point: 0.0412,
    }),
  ]
  const page = renderExperimentReport(report(rows))
  const [block] = blocks(page)

  it("shows each branch's chance to beat the reference in its own column, as a percentage", () => {
    expect(block?.heading).toBe("Mean (Bayesian) · enrolled clients window 1")
    expect(block?.body).toContain(`<th scope="col">Chance to beat control</th>`)
    const cells = cellTexts(page)
    expect(cells.get("bayesian_gaussian|treatment-a|chance_to_beat")).toBe("97.3%")
    expect(cells.get("bayesian_gaussian|treatment-b|chance_to_beat")).toBe("4.1%")
    // The reference row's note spans the three comparison columns.
    expect(block?.body).toContain(`colspan="3">compared against`)
  })

  it("draws the relative uplift in the forest plot, not the chance to beat", () => {
    const forestRows = [
      ...(block?.body ?? "").matchAll(
        /<g class="forest-row[^"]*" data-branch="([^"]*)"[^>]*><title>([^<]*)</g,
      ),
    ]
    expect(forestRows.map(([, branch, title]) => [branch, title])).toEqual([
      ["treatment-a", "treatment-a: +10% [+5%, +15%]"],
      ["treatment-b", "treatment-b: +10% [+5%, +15%]"],
    ])
    expect(block?.body).toContain("relative uplift vs control")
  })

  it("adds no chance column to a statistic without chance rows", () => {
    const plain = renderExperimentReport(report(tested("t_test", { "treatment-a": { p: 0.2 } })))
    expect(plain).not.toContain("Chance to beat")
    expect(plain).toContain(`colspan="2">compared against`)
  })
})

describe("statistic names and the always-valid tag", () => {
  const page = renderExperimentReport(
    report([
      ...tested("bayesian_gaussian", {}),
      ...tested("t_test_sequential", { "treatment-a": { p: 0.2 } }),
      ...tested("t_test", { "treatment-a": { p: 0.2 } }),
      ...tested("mean", {}),
    ]),
  )
  const shown = blocks(page)

  it("names the t-tests and the Bayesian mean, means together in a fixed order", () => {
    expect(shown.map(({ heading }) => heading)).toEqual([
      "Mean (bootstrap) · enrolled clients window 1",
      "Mean (Welch t-test) · enrolled clients window 1",
      "Mean (sequential t-test) · enrolled clients always-valid window 1",
      "Mean (Bayesian) · enrolled clients window 1",
    ])
  })

  it("tags always-valid intervals with what they are, for t_test_sequential only", () => {
    const tagged = shown.filter(({ body }) => body.includes("always-valid</span>"))
    expect(tagged.map(({ heading }) => heading)).toEqual([
      "Mean (sequential t-test) · enrolled clients always-valid window 1",
    ])
    expect(textOf(tagged[0]?.body ?? "")).toContain(
      "its intervals and p-values stay valid however often the results are looked at",
    )
  })
})
