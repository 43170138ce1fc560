import { describe, expect, it } from "vitest"
import type { AnalysisBasis } from "../../src/domain/analysis-period.js"
import type { StatisticResult } from "../../src/domain/statistic-result.js"
import { populationRows, srmThreshold, srmVerdict } from "../../src/report/enrollment.js"
import { renderExperimentReport } from "../../src/report/experiment-page.js"
import { effectDirection, forestPlot } from "../../src/report/forest-plot.js"
import { formatNumber, formatPercent, formatSigned, rawNumber } from "../../src/report/format.js"
import { escapeHtml, html } from "../../src/report/html.js"
import { renderReportIndex, reportHref } from "../../src/report/index-page.js"
import type { ExperimentReport, IndexEntry } from "../../src/report/report-model.js"
import { compareWindows, latestWindowRows, orderedPeriods } from "../../src/report/rows.js"

interface RowSpec {
  readonly metric?: string
  readonly statistic?: string
  readonly branch?: string
  readonly comparison?: StatisticResult["comparison"]
  readonly to?: string | null
  readonly parameter?: number | string | null
  readonly point?: number | null
  readonly lower?: number | null
  readonly upper?: number | null
  readonly segment?: string
  readonly basis?: AnalysisBasis
  readonly window?: string
  readonly pValue?: number | null
}

const row = (spec: RowSpec = {}): StatisticResult => {
  const comparison = spec.comparison ?? null
  return {
    metric: spec.metric ?? "active_hours",
    statistic: spec.statistic ?? "mean",
    parameter: spec.parameter ?? null,
    branch: spec.branch ?? "control",
    comparison,
    comparison_to_branch: spec.to ?? (comparison === null ? null : "control"),
    ci_width: 0.95,
    point: spec.point === undefined ? 1 : spec.point,
    lower: spec.lower === undefined ? 0.5 : spec.lower,
    upper: spec.upper === undefined ? 1.5 : spec.upper,
    segment: spec.segment ?? "all",
    analysis_basis: spec.basis ?? "enrollments",
    window_index: spec.window ?? "1",
    ...(spec.pValue === undefined ? {} : { p_value: spec.pValue }),
  }
}

const report = (overrides: Partial<ExperimentReport> = {}): ExperimentReport => ({
  slug: "demo-x",
  name: "Demo X",
  status: "analysed",
  startDate: "2026-01-01",
  endDate: "2026-02-01",
  referenceBranch: "control",
  branches: [
    { slug: "control", ratio: 1 },
    { slug: "treatment", ratio: 1 },
  ],
  metrics: [
    {
      slug: "active_hours",
      friendlyName: "Active hours",
      description: "Hours.",
      biggerIsBetter: true,
    },
  ],
  outcomes: [],
  statistics: {},
  problems: [],
  generatedAt: "2026-02-02T00:00:00Z",
  ...overrides,
})

/** Every tag carrying data-point, as attribute maps. */
const cells = (page: string): ReadonlyArray<Map<string, string>> =>
  [...page.matchAll(/<td\b([^>]*\bdata-point="[^"]*"[^>]*)>/g)].map(
    ([, attributes = ""]) =>
      new Map([...attributes.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, k = "", v = ""]) => [k, v])),
  )

describe("escaping", () => {
  it("escapes the five characters that matter in text and quoted attributes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
    )
  })

  it("escapes interpolated strings and numbers, keeps nested markup, renders nothing for false and null", () => {
    const inner = html`<b>${"<i>"}</b>`
    const shown = false
    const out = html`<p title="${`"x"`}">${inner}${["<", 1, null]}${shown && html`<hr>`}${undefined}</p>`
    expect(String(out)).toBe(`<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;1</p>`)
  })

  const hostile = `<script>alert(1)</script>"' onmouseover="alert(2)`
  const everywhere = report({
    slug: `slug${hostile}`,
    name: `name${hostile}`,
    status: `status${hostile}`,
    startDate: `start${hostile}`,
    endDate: null,
    referenceBranch: `control${hostile}`,
    branches: [
      { slug: `control${hostile}`, ratio: 1 },
      { slug: `treatment${hostile}`, ratio: 1 },
    ],
    metrics: [
      {
        slug: `metric${hostile}`,
        friendlyName: `friendly${hostile}`,
        description: `description${hostile}`,
        biggerIsBetter: true,
      },
    ],
    outcomes: [
      {
        slug: `outcome${hostile}`,
        friendlyName: `outcome name${hostile}`,
        metrics: [`metric${hostile}`],
      },
    ],
    statistics: {
      [`period${hostile}`]: [
        row({
          metric: `metric${hostile}`,
          branch: `control${hostile}`,
          segment: `segment${hostile}`,
        }),
        row({
          metric: `metric${hostile}`,
          branch: `treatment${hostile}`,
          comparison: "relative_uplift",
          to: `control${hostile}`,
          segment: `segment${hostile}`,
          window: `window${hostile}`,
        }),
        row({ metric: `metric${hostile}`, statistic: `stat${hostile}`, parameter: `p${hostile}` }),
        row({ metric: "identity", statistic: "count", branch: `treatment${hostile}`, point: 10 }),
      ],
    },
    problems: [
      {
        timestamp: `time${hostile}`,
        level: "ERROR",
        message: `message${hostile}`,
        metric: `metric${hostile}`,
        statistic: `statistic${hostile}`,
        segment: `segment${hostile}`,
        analysisBasis: `basis${hostile}`,
        period: `period${hostile}`,
        windowIndex: null,
        analysisDate: `date${hostile}`,
      },
    ],
    generatedAt: `generated${hostile}`,
  })

  it("lets no string of the input become markup, in text or in attributes", () => {
    const page = renderExperimentReport(everywhere)
    expect(page.match(/<script/g)).toHaveLength(1)
    expect(page).not.toContain("alert(1)</script>")
    expect(page).not.toContain(`" onmouseover="`)
    expect(page).not.toContain(`onmouseover="`)
    expect(page).toContain(
      "name&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39; onmouseover=&quot;alert(2)",
    )
  })

  it("links nothing outside the file: no URL, no external resource", () => {
    const page = renderExperimentReport(everywhere)
    expect(page).not.toMatch(/:\/\/|\bsrc=|<link\b|@import|url\(/)
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/)
  })
})

describe("number formatting", () => {
  it("rounds to 3–4 significant digits, keeps integers whole, and shows missing values as a dash", () => {
    expect(formatNumber(null)).toBe("—")
    expect(formatNumber(undefined)).toBe("—")
    expect(formatNumber(0)).toBe("0")
    expect(formatNumber(12345)).toBe("12,345")
    expect(formatNumber(0.123456)).toBe("0.1235")
    expect(formatNumber(0.123456, 3)).toBe("0.123")
    expect(formatNumber(2048.5)).toBe("2,049")
    expect(formatNumber(-2.5)).toBe("-2.5")
    expect(formatNumber(0.1 + 0.2)).toBe("0.3")
    expect(formatNumber(1.5e-7)).toBe("1.5e-7")
    expect(formatNumber(5.8e-5)).toBe("5.8e-5")
    expect(formatNumber(2.5e13)).toBe("2.5e13")
    expect(formatNumber(1234567890123)).toBe("1.23e12")
    expect(formatNumber(98765432101)).toBe("98,765,432,101")
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe("∞")
    expect(formatNumber(Number.NaN)).toBe("NaN")
  })

  it("signs differences and shows relative uplifts as percentages", () => {
    expect(formatSigned(0.5)).toBe("+0.5")
    expect(formatSigned(-3.1)).toBe("−3.1")
    expect(formatSigned(0)).toBe("0")
    expect(formatSigned(null)).toBe("—")
    expect(formatPercent(0.05)).toBe("+5%")
    expect(formatPercent(-0.001234)).toBe("−0.123%")
    expect(formatPercent(0.13456)).toBe("+13.5%")
    expect(formatPercent(null)).toBe("—")
  })

  it("keeps exact values for data attributes", () => {
    expect(rawNumber(0.1 + 0.2)).toBe("0.30000000000000004")
    expect(rawNumber(1e-20)).toBe("1e-20")
    expect(rawNumber(null)).toBe("")
  })
})

describe("sample ratio verdict", () => {
  it("calls a mismatch strictly below p = 0.001", () => {
    expect(srmThreshold).toBe(0.001)
    expect(srmVerdict(0.001)).toEqual({
      mismatch: false,
      text: "no sample ratio mismatch (p = 0.001)",
    })
    expect(srmVerdict(0.000999)).toEqual({
      mismatch: true,
      text: "SAMPLE RATIO MISMATCH (p = 0.000999)",
    })
    expect(srmVerdict(0).text).toBe("SAMPLE RATIO MISMATCH (p = 0)")
    expect(srmVerdict(0.52).text).toBe("no sample ratio mismatch (p = 0.52)")
    expect(srmVerdict(null)).toEqual({ mismatch: undefined, text: "sample ratio not tested" })
    expect(srmVerdict(undefined).mismatch).toBeUndefined()
  })

  const population = (period: string, window: string, point: number, pValue: number) =>
    [
      row({
        metric: "identity",
        statistic: "count",
        branch: "control",
        point,
        window,
        lower: null,
        upper: null,
      }),
      row({
        metric: "identity",
        statistic: "count",
        branch: "treatment",
        point: point + 1,
        window,
        lower: null,
        upper: null,
      }),
      row({
        metric: "sample_ratio_mismatch",
        statistic: "chi_square",
        branch: "control",
        point: 3.2,
        lower: null,
        upper: null,
        window,
        pValue,
      }),
    ].map((r) => ({ r, period }))

  it("reads the populations of overall, else of the latest window of the longest period", () => {
    const weekly = [...population("weekly", "1", 10, 0.5), ...population("weekly", "2", 20, 0.0001)]
    const days28 = population("days28", "1", 30, 0.3)
    const overall = population("overall", "1", 40, 0.2)
    const pick = (entries: ReadonlyArray<{ r: StatisticResult; period: string }>) => {
      const statistics: Record<string, StatisticResult[]> = {}
      for (const { r, period } of entries) statistics[period] = [...(statistics[period] ?? []), r]
      return populationRows(statistics)
    }
    expect(pick([...weekly, ...days28, ...overall])?.period).toBe("overall")
    expect(pick([...weekly, ...days28])?.period).toBe("days28")
    const fromWeekly = pick(weekly)
    expect(fromWeekly?.period).toBe("weekly")
    expect(new Set(fromWeekly?.rows.map(({ window_index }) => window_index))).toEqual(
      new Set(["2"]),
    )
    expect(pick([])).toBeUndefined()

    const statistics: Record<string, StatisticResult[]> = { weekly: weekly.map(({ r }) => r) }
    const page = renderExperimentReport(report({ statistics }))
    expect(page).toContain(
      `data-testid="srm-verdict" data-basis="enrollments">SAMPLE RATIO MISMATCH (p = 0.0001)<`,
    )
  })

  it("says the ratio was not tested when there are no counts", () => {
    expect(renderExperimentReport(report())).toContain(
      `data-testid="srm-verdict">sample ratio not tested<`,
    )
  })
})

describe("forest plot colours", () => {
  it("is green or red only when the interval excludes zero, per biggerIsBetter", () => {
    expect(effectDirection(0.1, 0.3, true)).toBe("better")
    expect(effectDirection(0.1, 0.3, false)).toBe("worse")
    expect(effectDirection(-0.3, -0.1, true)).toBe("worse")
    expect(effectDirection(-0.3, -0.1, false)).toBe("better")
    expect(effectDirection(-0.1, 0.3, true)).toBe("neutral")
    expect(effectDirection(0, 0.3, true)).toBe("neutral")
    expect(effectDirection(null, 0.3, true)).toBe("neutral")
    expect(effectDirection(0.1, null, false)).toBe("neutral")
  })

  it("draws one row per branch with its direction, and copes with missing numbers", () => {
    const plot = String(
      forestPlot({
        rows: [
          { branch: "up", point: 0.2, lower: 0.1, upper: 0.3 },
          { branch: "flat", point: 0, lower: -0.1, upper: 0.1 },
          { branch: "no-bounds", point: 0.1, lower: null, upper: null },
          { branch: "nothing", point: null, lower: null, upper: null },
        ],
        biggerIsBetter: false,
        axisLabel: "relative uplift vs control",
        formatValue: formatPercent,
      }),
    )
    expect(
      [...plot.matchAll(/data-branch="([^"]*)" data-direction="([^"]*)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    ).toEqual([
      ["up", "worse"],
      ["flat", "neutral"],
      ["no-bounds", "neutral"],
      ["nothing", "neutral"],
    ])
    expect(plot).toContain("no estimate")
    expect(plot).not.toContain("NaN")
    const empty = forestPlot({
      rows: [{ branch: "x", point: null, lower: null, upper: null }],
      biggerIsBetter: true,
      axisLabel: "a",
      formatValue: formatPercent,
    })
    expect(String(empty)).toContain("No comparison to plot.")
  })
})

describe("missing and partial data", () => {
  it("renders a report with no results at all", () => {
    const page = renderExperimentReport(
      report({ status: "not analysed", statistics: { overall: [] } }),
    )
    expect(page).toContain("No results yet.")
    expect(page).toContain("no problems logged")
    expect(page).toContain("status-other")
  })

  it("lists a metric without rows, and shows a metric without metadata under its slug", () => {
    const page = renderExperimentReport(
      report({
        metrics: [
          {
            slug: "active_hours",
            friendlyName: "Active hours",
            description: "",
            biggerIsBetter: true,
          },
          { slug: "never", friendlyName: "Never computed", description: "", biggerIsBetter: true },
        ],
        statistics: { overall: [row(), row({ metric: "stray_metric" })] },
      }),
    )
    expect(page).toContain("No results in this period and segment for: Never computed.")
    expect(page).toContain(`<h4>stray_metric <code class="slug">stray_metric</code></h4>`)
  })

  it("shows null points and bounds as dashes, with empty data attributes, and draws no NaN", () => {
    const page = renderExperimentReport(
      report({
        statistics: {
          overall: [
            row({ point: null, lower: null, upper: null }),
            row({ branch: "treatment", point: 2, lower: null, upper: null }),
            row({
              branch: "treatment",
              comparison: "relative_uplift",
              point: null,
              lower: null,
              upper: null,
            }),
            row({ branch: "treatment", comparison: "difference", point: 1, lower: null, upper: 2 }),
          ],
        },
      }),
    )
    const [control, treatment, difference, uplift] = cells(page)
    expect(control?.get("data-point")).toBe("")
    expect(treatment?.get("data-lower")).toBe("")
    expect(difference?.get("data-comparison")).toBe("difference")
    expect(difference?.get("data-lower")).toBe("")
    expect(difference?.get("data-upper")).toBe("2")
    expect(uplift?.get("data-comparison")).toBe("relative_uplift")
    expect(page).toContain("[—, +2]")
    expect(page).not.toContain("NaN")
  })

  it("shows time series on their latest window (numerically: 10 after 9), with a chart of all windows", () => {
    const windows = ["1", "2", "9", "10"]
    const rows = windows.flatMap((window, index) => [
      row({ window, point: index }),
      row({ window, branch: "treatment", point: index + 1 }),
      row({ window, branch: "treatment", comparison: "relative_uplift", point: 0.01 * index }),
    ])
    expect([...windows].sort(compareWindows)).toEqual(windows)
    expect(latestWindowRows(rows).window).toBe("10")
    const page = renderExperimentReport(report({ statistics: { weekly: rows } }))
    expect(new Set(cells(page).map((cell) => cell.get("data-window")))).toEqual(new Set(["10"]))
    expect(page).toContain("window 10 (latest of 4)")
    expect(page).toContain("relative uplift vs control, window by window")
  })

  it("orders periods overall first and keeps unknown ones, dropping empty ones", () => {
    expect(
      orderedPeriods({
        custom: [row()],
        daily: [row()],
        overall: [row()],
        weekly: [],
        days28: [row()],
      }),
    ).toEqual(["overall", "days28", "daily", "custom"])
  })

  it("draws deciles from string or number parameters, and curves for ECDF and KDE", () => {
    const deciles = ["0.1", "0.5", "0.9"].flatMap((parameter, index) => [
      row({ statistic: "deciles", parameter, point: index }),
      row({ statistic: "deciles", parameter, branch: "treatment", point: index + 0.5 }),
      row({
        statistic: "deciles",
        parameter,
        branch: "treatment",
        comparison: "relative_uplift",
        point: 0.1,
        lower: 0.05,
        upper: 0.15,
      }),
    ])
    const curve = (statistic: string) =>
      [0, 1, 2].flatMap((x) =>
        ["control", "treatment"].map((branch) =>
          row({ statistic, parameter: x, branch, point: x / 2, lower: null, upper: null }),
        ),
      )
    const page = renderExperimentReport(
      report({
        statistics: {
          overall: [...deciles, ...curve("empirical_cdf"), ...curve("kernel_density_estimate")],
        },
      }),
    )
    expect(page).toContain("Deciles · enrolled clients")
    expect(page).toContain("Empirical CDF · enrolled clients")
    expect(page).toContain("Density (kernel estimate) · enrolled clients")
    expect(page).toContain(`data-parameter="0.5"`)
    expect(page.match(/<polygon class="band"/g)?.length).toBeGreaterThan(0)
    expect(page).not.toContain("Nothing to plot.")
    expect(page).not.toContain("NaN")
  })

  it("says once, under the deciles, where a relative uplift does not exist (the reference is 0)", () => {
    const deciles = ["0.1", "0.2", "0.9"].flatMap((parameter) => [
      row({ statistic: "deciles", parameter, point: parameter === "0.9" ? 3 : 0 }),
      row({ statistic: "deciles", parameter, branch: "treatment", point: 1 }),
      row({ statistic: "deciles", parameter, branch: "treatment", comparison: "difference" }),
      ...(parameter === "0.9"
        ? [
            row({
              statistic: "deciles",
              parameter,
              branch: "treatment",
              comparison: "relative_uplift",
            }),
          ]
        : []),
    ])
    const page = renderExperimentReport(report({ statistics: { overall: deciles } }))
    expect(page.match(/data-testid="absent-uplift"/g)).toHaveLength(1)
    expect(page).toContain("No relative uplift at deciles 0.1, 0.2: there control's decile is 0")
    const complete = renderExperimentReport(
      report({
        statistics: {
          overall: deciles.map((decile) =>
            decile.comparison === "difference"
              ? { ...decile, comparison: "relative_uplift" as const }
              : decile,
          ),
        },
      }),
    )
    expect(complete).not.toContain("absent-uplift")
  })

  it("lists errors before warnings", () => {
    const problem = {
      metric: null,
      statistic: null,
      segment: null,
      analysisBasis: null,
      period: null,
      windowIndex: null,
      analysisDate: null,
    }
    const page = renderExperimentReport(
      report({
        problems: [
          {
            ...problem,
            timestamp: "2026-01-01T00:00:00Z",
            level: "WARNING",
            message: "first warning",
          },
          { ...problem, timestamp: "2026-01-02T00:00:00Z", level: "ERROR", message: "later error" },
        ],
      }),
    )
    expect(page.indexOf("later error")).toBeLessThan(page.indexOf("first warning"))
    expect(page).toContain("1 error, 1 warning")
    expect(page).toContain("whole experiment")
  })
})

describe("index page", () => {
  const entry = (overrides: Partial<IndexEntry> = {}): IndexEntry => ({
    slug: "demo-x",
    name: "Demo X",
    status: "analysed",
    startDate: "2026-01-01",
    endDate: null,
    errors: 0,
    warnings: 2,
    reportPath: "demo-x.html",
    ...overrides,
  })

  it("links each experiment to its page, with its status, dates and problem counts", () => {
    const page = renderReportIndex(
      [
        entry(),
        entry({
          slug: "b",
          name: `<script>x</script>`,
          status: "failed",
          errors: 3,
          reportPath: "b#1.html",
        }),
      ],
      "2026-02-02T00:00:00Z",
    )
    expect(page).toContain(`<a href="demo-x.html">Demo X</a>`)
    expect(page).toContain(`<a href="b%231.html">&lt;script&gt;x&lt;/script&gt;</a>`)
    expect(page).toContain(`<span class="counts-error">3</span>`)
    expect(page).toContain("2 experiments, 1 with errors.")
    expect(page).toContain("2026-02-02T00:00:00Z")
    expect(page.match(/<script/g)).toHaveLength(1)
  })

  it("does not link a path with a scheme, an absolute path or a way out of the folder", () => {
    expect(reportHref("javascript:alert(1)")).toBeUndefined()
    expect(reportHref("https://example.org/x.html")).toBeUndefined()
    expect(reportHref("/etc/passwd")).toBeUndefined()
    expect(reportHref("../x.html")).toBeUndefined()
    expect(reportHref("")).toBeUndefined()
    expect(reportHref("reports/a b.html")).toBe("reports/a%20b.html")
    expect(renderReportIndex([entry({ reportPath: "javascript:alert(1)" })], "t")).not.toContain(
      "href=",
    )
  })

  it("says when there is nothing to list", () => {
    expect(renderReportIndex([], "t")).toContain("No experiments.")
  })
})
