import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import type { AnalysisBasis } from "../../src/domain/analysis-period.js"
import type { StatisticResult } from "../../src/domain/statistic-result.js"
import { renderExperimentReport } from "../../src/report/experiment-page.js"
import type { ExperimentReport } from "../../src/report/report-model.js"
import {
  dumpDom,
  findChromium,
  inCi,
  missingChromiumMessage,
  screenshot,
} from "../support/chromium.js"
import { attributesOf, byTestId, textOf } from "../support/dom.js"

/**
 * The report as a person sees it: rendered, opened in a real headless Chromium, and read
 * back from the DOM the browser built (after parsing and scripts), then photographed.
 */

const reference = "control"
const branchSlugs = ["control", "treatment-a", "treatment-b"] as const
type Triple = readonly [point: number | null, lower: number | null, upper: number | null]

interface Place {
  readonly metric: string
  readonly statistic: string
  readonly segment: string
  readonly basis: AnalysisBasis
  readonly window: string
  readonly parameter?: number
}

const row = (
  place: Place,
  branch: string,
  comparison: StatisticResult["comparison"],
  to: string | null,
  [point, lower, upper]: Triple,
  pValue?: number,
): StatisticResult => ({
  metric: place.metric,
  statistic: place.statistic,
  parameter: place.parameter ?? null,
  branch,
  comparison,
  comparison_to_branch: to,
  ci_width: lower === null ? null : 0.95,
  point,
  lower,
  upper,
  segment: place.segment,
  analysis_basis: place.basis,
  window_index: place.window,
  ...(pValue === undefined ? {} : { p_value: pValue }),
})

/**
 * A statistic as the pipeline publishes it: each branch's estimate, and the difference and
 * relative uplift of every branch against every other (only those against the reference
 * are shown). Plain arithmetic gives numbers with long binary expansions, which the page
 * must carry exactly.
 */
const estimate = (place: Place, own: Readonly<Record<string, Triple>>): StatisticResult[] => {
  const rows: StatisticResult[] = []
  for (const branch of Object.keys(own)) {
    const [point, lower, upper] = own[branch] ?? [null, null, null]
    rows.push(row(place, branch, null, null, [point, lower, upper]))
    for (const base of Object.keys(own)) {
      if (base === branch) continue
      const [basePoint] = own[base] ?? [null]
      if (point === null || basePoint === null) continue
      const difference = point - basePoint
      const half = lower === null || upper === null ? null : (upper - lower) * 0.7
      const bounds: Triple =
        half === null
          ? [difference, null, null]
          : [difference, difference - half, difference + half]
      const pValue = Math.min(1, 0.0123 + Math.abs(difference) / 1000)
      rows.push(row(place, branch, "difference", base, bounds, pValue))
      rows.push(
        row(place, branch, "relative_uplift", base, [
          difference / basePoint,
          bounds[1] === null ? null : bounds[1] / basePoint,
          bounds[2] === null ? null : bounds[2] / basePoint,
        ]),
      )
    }
  }
  return rows
}

/**
 * Comparisons against the reference with a p-value also carry one adjusted: treatment-b's
 * five times the raw one, so that it is significant only before correction.
 */
const withAdjusted = (rows: ReadonlyArray<StatisticResult>): StatisticResult[] =>
  rows.map((row) =>
    typeof row.p_value === "number" && row.comparison_to_branch === reference
      ? {
          ...row,
          p_value_adjusted: Math.min(1, (row.branch === "treatment-b" ? 5 : 2) * row.p_value),
        }
      : row,
  )

/** A Bayesian statistic: credible intervals without p-values, and each branch's chance to beat each other. */
const bayesian = (place: Place, own: Readonly<Record<string, Triple>>): StatisticResult[] => [
  ...estimate(place, own).map(({ p_value: _, ...rest }) => rest),
  ...Object.keys(own).flatMap((branch, index) =>
    Object.keys(own)
      .filter((base) => base !== branch)
      .map((base, other) =>
        row(place, branch, "chance_to_beat", base, [
          0.973 - 0.41 * index + 0.01 * other,
          null,
          null,
        ]),
      ),
  ),
]

const segments = ["all", "new_users"] as const
const bases: ReadonlyArray<AnalysisBasis> = ["enrollments", "exposures"]

const overallRows = (): StatisticResult[] => {
  const rows: StatisticResult[] = []
  const window = "1"
  for (const segment of segments) {
    const scale = segment === "all" ? 1 : 0.8
    for (const basis of bases) {
      const at = (metric: string, statistic: string): Place => ({
        metric,
        statistic,
        segment,
        basis,
        window,
      })
      rows.push(
        ...estimate(at("active_hours", "mean"), {
          control: [5.2 * scale, 5.0 * scale, 5.4 * scale],
          "treatment-a": [5.9 * scale, 5.7 * scale, 6.1 * scale],
          "treatment-b": [5.25 * scale, 5.0 * scale, 5.5 * scale],
        }),
        ...withAdjusted(
          estimate(at("active_hours", "t_test_sequential"), {
            control: [5.2 * scale, 5.0 * scale, 5.4 * scale],
            "treatment-a": [5.9 * scale, 5.7 * scale, 6.1 * scale],
            "treatment-b": [5.25 * scale, 5.0 * scale, 5.5 * scale],
          }),
        ),
        ...bayesian(at("active_hours", "bayesian_gaussian"), {
          control: [5.2 * scale, 5.0 * scale, 5.4 * scale],
          "treatment-a": [5.9 * scale, 5.7 * scale, 6.1 * scale],
          "treatment-b": [5.25 * scale, 5.0 * scale, 5.5 * scale],
        }),
        ...estimate(at("uri_count", "mean_lm"), {
          control: [101.3, 97.1, 105.6],
          "treatment-a": [99.2, 95.0, 103.3],
          "treatment-b": [103.9, 99.7, 108.2],
        }),
        ...estimate(at("memory_total", "mean"), {
          control: [2048.5, 2001.25, 2099.75],
          "treatment-a": [2301.1, 2250.3, 2352.7],
          "treatment-b": [1890.4, 1840.1, 1941.9],
        }),
        ...estimate(at("ad_clicks", "binomial"), {
          control: [0.1 + 0.2, 0.28, 0.32],
          "treatment-a": [0.31, 0.29, 0.33],
          "treatment-b": basis === "exposures" ? [0.305, null, null] : [0.302, 0.285, 0.319],
        }),
        ...estimate(at("mystery_metric", "sum"), {
          control: [1234567, null, null],
          "treatment-a": [1250000, null, null],
          "treatment-b": [1199999, null, null],
        }),
      )
      const counts = { control: 3021, "treatment-a": 2987, "treatment-b": 3120 }
      for (const [branch, clients] of Object.entries(counts)) {
        const population = Math.round(
          clients *
            scale *
            (basis === "exposures" ? 0.6 + (branch === "treatment-b" ? 0.1 : 0) : 1),
        )
        rows.push(row(at("identity", "count"), branch, null, null, [population, null, null]))
      }
      if (segment === "all") {
        const srm = basis === "enrollments" ? [1.7823, 0.41] : [19.5, 0.000058]
        rows.push(
          row(
            at("sample_ratio_mismatch", "chi_square"),
            "control",
            null,
            null,
            [srm[0] ?? 0, null, null],
            srm[1],
          ),
        )
      }
    }
  }
  const all = (metric: string, statistic: string, parameter?: number): Place => ({
    metric,
    statistic,
    segment: "all",
    basis: "enrollments",
    window,
    ...(parameter === undefined ? {} : { parameter }),
  })
  for (let decile = 1; decile <= 9; decile++) {
    const parameter = decile / 10
    const base = 0.8 * decile
    rows.push(
      ...estimate(all("active_hours", "deciles", parameter), {
        control: [base, base - 0.1, base + 0.1],
        "treatment-a": [base * 1.08, base * 1.08 - 0.12, base * 1.08 + 0.12],
        "treatment-b": [base * 0.99, base * 0.99 - 0.11, base * 0.99 + 0.11],
      }),
    )
  }
  for (let x = 0; x <= 12; x++) {
    for (const [index, branch] of branchSlugs.entries()) {
      const cdf = 1 - Math.exp(-x / (2.5 + index * 0.4))
      rows.push(row(all("active_hours", "empirical_cdf", x), branch, null, null, [cdf, null, null]))
      const mean = 2000 + index * 150
      const density =
        Math.exp(-(((1500 + x * 100 - mean) / 300) ** 2) / 2) / (300 * Math.sqrt(2 * Math.PI))
      rows.push(
        row(
          { ...all("memory_total", "kernel_density_estimate"), parameter: 1500 + x * 100 },
          branch,
          null,
          null,
          [density, null, null],
        ),
      )
    }
  }
  return rows
}

const weeklyRows = (): StatisticResult[] =>
  ["1", "2", "3"].flatMap((window, index) =>
    bases.flatMap((basis) => [
      ...estimate(
        { metric: "active_hours", statistic: "mean", segment: "all", basis, window },
        {
          control: [1.1 + index * 0.05, 1.0 + index * 0.05, 1.2 + index * 0.05],
          "treatment-a": [1.2 + index * 0.09, 1.1 + index * 0.09, 1.3 + index * 0.09],
          "treatment-b": [1.1 + index * 0.04, 0.98 + index * 0.04, 1.22 + index * 0.04],
        },
      ),
      ...branchSlugs.map((branch, b) =>
        row(
          { metric: "identity", statistic: "count", segment: "all", basis, window },
          branch,
          null,
          null,
          [1000 - index * 10 + b, null, null],
        ),
      ),
    ]),
  )

const hostileName = `Sidebar onboarding <script>alert(1)</script> "quoted" & 'single'`
const hostileMessage = `metric failed: <script>alert("x")</script> & 'quotes' <img src=x onerror=alert(2)>`

const fixture: ExperimentReport = {
  slug: "demo-sidebar-onboarding",
  name: hostileName,
  status: "analysed",
  startDate: "2026-09-01",
  endDate: "2026-10-20",
  referenceBranch: reference,
  branches: branchSlugs.map((slug) => ({ slug, ratio: 1 })),
  metrics: [
    {
      slug: "active_hours",
      friendlyName: "Active hours",
      description: `Hours the browser was in use <b>per</b> client & "more"`,
      biggerIsBetter: true,
    },
    {
      slug: "uri_count",
      friendlyName: "URIs visited",
      description: "Pages loaded per client.",
      biggerIsBetter: true,
    },
    {
      slug: "memory_total",
      friendlyName: "Memory use (MB)",
      description: "Resident memory; less is better.",
      biggerIsBetter: false,
    },
    {
      slug: "ad_clicks",
      friendlyName: "Clicked an ad",
      description: "Share of clients who clicked a search ad.",
      biggerIsBetter: true,
    },
    {
      slug: "unused_metric",
      friendlyName: "Never computed",
      description: "Configured, but the run logged an error instead.",
      biggerIsBetter: true,
    },
  ],
  outcomes: [
    { slug: "engagement", friendlyName: "Engagement", metrics: ["active_hours", "uri_count"] },
  ],
  statistics: { overall: overallRows(), weekly: weeklyRows() },
  problems: [
    {
      timestamp: "2026-10-21T03:00:01.000Z",
      level: "WARNING",
      message: "branch treatment-b: no exposures on day 3",
      metric: null,
      statistic: null,
      segment: "all",
      analysisBasis: "exposures",
      period: "overall",
      windowIndex: null,
      analysisDate: "2026-10-20",
    },
    {
      timestamp: "2026-10-21T03:00:02.000Z",
      level: "ERROR",
      message: hostileMessage,
      metric: "unused_metric",
      statistic: "mean",
      segment: "all",
      analysisBasis: "enrollments",
      period: "overall",
      windowIndex: null,
      analysisDate: "2026-10-20",
    },
  ],
  generatedAt: "2026-10-21T04:00:00.000Z",
}

const cellKey = (fields: {
  period: string
  metric: string
  statistic: string
  branch: string
  comparison: string
  to: string
  segment: string
  basis: string
  window: string
  parameter: string
}): string => Object.values(fields).join("|")

const rowKey = (period: string, row: StatisticResult): string =>
  cellKey({
    period,
    metric: row.metric,
    statistic: row.statistic,
    branch: row.branch,
    comparison: row.comparison ?? "none",
    to: row.comparison_to_branch ?? "",
    segment: row.segment,
    basis: row.analysis_basis,
    window: row.window_index,
    parameter: row.parameter === null ? "" : String(row.parameter),
  })

const raw = (value: number | null): string => (value === null ? "" : String(value))

/** The rows a reader must find in a table cell: estimates and comparisons with the reference, in the latest window. */
const expectedCellRows = (): Map<string, StatisticResult> => {
  const expected = new Map<string, StatisticResult>()
  for (const [period, rows] of Object.entries(fixture.statistics)) {
    const latest = new Map<string, number>()
    const group = (row: StatisticResult) =>
      [row.metric, row.statistic, row.segment, row.analysis_basis].join("|")
    for (const row of rows) {
      latest.set(group(row), Math.max(latest.get(group(row)) ?? 0, Number(row.window_index)))
    }
    for (const row of rows) {
      const shownStatistic = !["empirical_cdf", "kernel_density_estimate", "chi_square"].includes(
        row.statistic,
      )
      const populationElsewhere = row.metric === "identity" && period !== "overall"
      const againstReference = row.comparison === null || row.comparison_to_branch === reference
      const isLatest = Number(row.window_index) === latest.get(group(row))
      if (shownStatistic && !populationElsewhere && againstReference && isLatest) {
        expected.set(rowKey(period, row), row)
      }
    }
  }
  return expected
}

const projectRoot = fileURLToPath(new URL("../..", import.meta.url))
const chromium = findChromium()
const workDir = mkdtempSync(join(tmpdir(), "slipstream-report-"))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))

describe("finding Chromium", () => {
  it("prefers CHROMIUM_PATH, else looks for chromium then chromium-browser on PATH", () => {
    const bin = mkdtempSync(join(workDir, "bin-"))
    const browser = join(bin, "chromium-browser")
    writeFileSync(browser, "#!/bin/sh\n")
    chmodSync(browser, 0o755)
    writeFileSync(join(bin, "chromium"), "not executable")
    expect(findChromium({ PATH: bin })).toBe(browser)
    expect(findChromium({ PATH: bin, CHROMIUM_PATH: "/opt/chrome/chrome" })).toBe(
      "/opt/chrome/chrome",
    )
    expect(findChromium({ PATH: join(workDir, "nowhere") })).toBeUndefined()
    expect(findChromium({})).toBeUndefined()
  })

  it("treats CI as set unless it is empty, 0 or false", () => {
    expect(inCi({ CI: "true" })).toBe(true)
    expect(inCi({ CI: "1" })).toBe(true)
    expect(inCi({ CI: "false" })).toBe(false)
    expect(inCi({ CI: "" })).toBe(false)
    expect(inCi({})).toBe(false)
  })
})

describe("the experiment report in headless Chromium", () => {
  it.skipIf(chromium === undefined && !inCi())(
    "shows the name, every metric, the exact numbers, the SRM verdict and the escaped problem",
    async () => {
      if (chromium === undefined) throw new Error(missingChromiumMessage)
      const page = join(workDir, "demo-sidebar-onboarding.html")
      writeFileSync(page, renderExperimentReport(fixture))
      const url = pathToFileURL(page).href

      const dom = await dumpDom(chromium, url, 20_000)
      expect(dom).toContain("</html>")

      const [heading] = byTestId(dom, "experiment-name")
      expect(heading?.text).toBe(hostileName)

      const metricHeadings = [...dom.matchAll(/<h4>([\s\S]*?)<\/h4>/g)].map(([, inner = ""]) =>
        textOf(inner),
      )
      for (const metric of fixture.metrics.filter(({ slug }) => slug !== "unused_metric")) {
        expect(metricHeadings).toContain(`${metric.friendlyName} ${metric.slug}`)
      }
      expect(metricHeadings).toContain("mystery_metric mystery_metric")
      expect(textOf(dom)).toContain("No results in this period and segment for: Never computed.")
      expect(textOf(dom)).toContain(`Hours the browser was in use <b>per</b> client & "more"`)

      const cells = [...dom.matchAll(/<td\b([^>]*\bdata-point="[^"]*"[^>]*)>/g)].map(
        ([, attributes = ""]) => attributesOf(attributes),
      )
      const expected = expectedCellRows()
      const seen = new Set<string>()
      for (const cell of cells) {
        const key = cellKey({
          period: cell.get("data-period") ?? "?",
          metric: cell.get("data-metric") ?? "?",
          statistic: cell.get("data-statistic") ?? "?",
          branch: cell.get("data-branch") ?? "?",
          comparison: cell.get("data-comparison") ?? "?",
          to: cell.get("data-comparison-to-branch") ?? "",
          segment: cell.get("data-segment") ?? "?",
          basis: cell.get("data-basis") ?? "?",
          window: cell.get("data-window") ?? "?",
          parameter: cell.get("data-parameter") ?? "",
        })
        const source = expected.get(key)
        expect(source, `a cell with no row in the fixture: ${key}`).toBeDefined()
        if (source === undefined) continue
        expect(seen.has(key), `shown twice: ${key}`).toBe(false)
        seen.add(key)
        expect([cell.get("data-point"), cell.get("data-lower"), cell.get("data-upper")]).toEqual([
          raw(source.point),
          raw(source.lower),
          raw(source.upper),
        ])
      }
      expect([...expected.keys()].filter((key) => !seen.has(key))).toEqual([])
      expect(seen.size).toBeGreaterThan(200)
      const verdicts = byTestId(dom, "srm-verdict").map(({ attributes, text }) => [
        attributes.get("data-basis"),
        text,
      ])
      expect(verdicts).toEqual([
        ["enrollments", "no sample ratio mismatch (p = 0.41)"],
        ["exposures", "SAMPLE RATIO MISMATCH (p = 5.8e-5)"],
      ])

      const chances = [
        ...dom.matchAll(/<td\b[^>]*data-comparison="chance_to_beat"[^>]*>([\s\S]*?)<\/td>/g),
      ].map(([, inner = ""]) => textOf(inner))
      expect(chances).toHaveLength(8)
      expect(new Set(chances)).toEqual(new Set(["56.3%", "15.3%"]))
      const marks = [...dom.matchAll(/class="significance [^"]*"[^>]*>([^<]*)</g)].map(
        ([, text = ""]) => text,
      )
      expect(new Set(marks)).toEqual(new Set(["significant", "not significant after correction"]))

      const messages = byTestId(dom, "problem-message").map(({ text }) => text)
      expect(messages).toEqual([hostileMessage, "branch treatment-b: no exposures on day 3"])
      expect(dom).not.toMatch(/<script>alert|<img src="?x/i)
      expect(dom.match(/<script\b/g)).toHaveLength(1)

      const artifacts = join(projectRoot, "test-artifacts")
      mkdirSync(artifacts, { recursive: true })
      const png = join(artifacts, "report.png")
      rmSync(png, { force: true })
      await screenshot(chromium, url, png, { width: 1280, height: 2000 }, 20_000)
      expect(statSync(png).size).toBeGreaterThan(30_000)
    },
    60_000,
  )
})
