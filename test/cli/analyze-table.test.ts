import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import type { StatisticResult } from "../../src/domain/statistic-result.js"
import { standardNormal } from "../../src/stats/distributions.js"
import { seededRandom } from "../../src/stats/random.js"
import { type CliResult, runCli } from "../support/run-cli.js"

/** 2 × 3000 clients; treatment adds 1 active hour; clicks per search 0.3 vs 0.36. */
const folder = mkdtempSync(join(tmpdir(), "slipstream-analyze-"))
const table = join(folder, "clients.csv")
const random = seededRandom(2026)
const lines = ["client_id,branch,active_hours,pre_hours,retained,searches,clicks"]
for (let client = 0; client < 6000; client++) {
  const branch = client % 2 === 0 ? "control" : "treatment"
  const pre = Math.max(0, 5 + 2 * standardNormal(random))
  const hours = Math.max(0, pre + (branch === "treatment" ? 1 : 0) + standardNormal(random))
  const searches = Math.floor(random.nextDouble() * 10)
  let clicks = 0
  for (let search = 0; search < searches; search++) {
    if (random.nextDouble() < (branch === "treatment" ? 0.36 : 0.3)) clicks++
  }
  const retained = random.nextDouble() < (branch === "treatment" ? 0.55 : 0.5) ? 1 : 0
  lines.push(
    `c${client},${branch},${hours.toFixed(4)},${pre.toFixed(4)},${retained},${searches},${clicks}`,
  )
}
writeFileSync(table, `${lines.join("\n")}\n`)

const analyze = (...args: ReadonlyArray<string>) =>
  runCli(["analyze-table", table, "--format", "json", ...args])
const rowsOf = (stdout: string): ReadonlyArray<StatisticResult> => JSON.parse(stdout)
const find = (rows: ReadonlyArray<StatisticResult>, branch: string, comparison: string | null) =>
  rows.find((row) => row.branch === branch && row.comparison === comparison)

describe("slipstream analyze-table", () => {
  it("prints bootstrap_mean rows in the published format, finding the injected effect", () => {
    const result = analyze(
      "--metric",
      "active_hours",
      "--statistic",
      "bootstrap_mean",
      "--param",
      "num_samples=2000",
    )
    expect(result.status).toBe(0)
    const rows = rowsOf(result.stdout)
    expect(rows).toHaveLength(2 + 2 * 2 + 1)
    // 3000 / 3000 at equal shares: χ² = 0, p = 1.
    expect(rows.at(-1)).toMatchObject({
      metric: "sample_ratio_mismatch",
      statistic: "chi_square",
      branch: "control",
      point: 0,
      p_value: 1,
    })
    const uplift = find(rows, "treatment", "difference")
    expect(uplift).toMatchObject({
      metric: "active_hours",
      statistic: "mean",
      comparison_to_branch: "control",
      ci_width: 0.95,
      segment: "all",
      analysis_basis: "enrollments",
      window_index: "1",
      parameter: null,
    })
    expect(uplift?.lower).toBeGreaterThan(0.75)
    expect(uplift?.upper).toBeLessThan(1.25)
  })

  it("gives identical results for the same seed and different ones for another", () => {
    const args = [
      "--metric",
      "active_hours",
      "--statistic",
      "deciles",
      "--param",
      "num_samples=500",
    ]
    const first = analyze(...args, "--seed", "7").stdout
    expect(analyze(...args, "--seed", "7").stdout).toBe(first)
    expect(analyze(...args, "--seed", "8").stdout).not.toBe(first)
  })

  it("narrows the interval with a covariate (CUPED) and reports a p-value", () => {
    const plain = rowsOf(
      analyze("--metric", "active_hours", "--statistic", "linear_model_mean").stdout,
    )
    const adjusted = rowsOf(
      analyze(
        "--metric",
        "active_hours",
        "--statistic",
        "linear_model_mean",
        "--covariate",
        "pre_hours",
        "--param",
        "covariate_adjustment.period=preenrollment_week",
        "--confidence",
        "0.9",
      ).stdout,
    )
    const width = (row: StatisticResult | undefined) => (row?.upper ?? 0) - (row?.lower ?? 0)
    const adjustedDifference = find(adjusted, "treatment", "difference")
    expect(width(adjustedDifference)).toBeLessThan(
      0.7 * width(find(plain, "treatment", "difference")),
    )
    expect(adjustedDifference?.statistic).toBe("mean_lm")
    expect(adjustedDifference?.ci_width).toBe(0.9)
    expect(adjustedDifference?.p_value).toBeLessThan(1e-6)
  })

  it("runs binomial, population_ratio with its columns, and pre-treatments", () => {
    const binomial = rowsOf(
      analyze("--metric", "retained", "--statistic", "binomial", "--reference", "control").stdout,
    )
    expect(
      binomial
        .filter((row) => row.comparison !== null)
        .every((row) => row.comparison_to_branch === "control"),
    ).toBe(true)
    expect(find(binomial, "control", null)?.point).toBeCloseTo(0.5, 1)
    const ratio = rowsOf(
      analyze(
        "--metric",
        "clicks",
        "--statistic",
        "population_ratio",
        "--param",
        "numerator=clicks",
        "--param",
        "denominator=searches",
        "--param",
        "num_samples=2000",
      ).stdout,
    )
    expect(find(ratio, "control", null)?.point).toBeCloseTo(0.3, 1)
    expect(find(ratio, "treatment", "relative_uplift")?.lower).toBeGreaterThan(0.1)
    const censored = runCli([
      "analyze-table",
      table,
      "--metric",
      "active_hours",
      "--statistic",
      "sum",
      "--pre-treatment",
      "censor_values_above_threshold:threshold=5",
      "--format",
      "table",
    ])
    expect(censored.status).toBe(0)
    expect(censored.stdout.split("\n")[0]).toMatch(
      /^statistic\s+branch\s+comparison\s+to\s+parameter\s+point/,
    )
  })

  it("fails with a clear message on bad input: 2 for a wrong statistic or parameter, 1 for the file's content", () => {
    const missing = analyze("--metric", "active_hour", "--statistic", "bootstrap_mean")
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain('no column "active_hour" (did you mean "active_hours"?)')
    const unknown = analyze("--metric", "active_hours", "--statistic", "bootstrap_means")
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain(
      'unknown statistic "bootstrap_means" (did you mean "bootstrap_mean"?)',
    )
    const text = analyze("--metric", "client_id", "--statistic", "sum")
    expect(text.status).toBe(1)
    expect(text.stderr).toContain('column "client_id", row 1: "c0" is not a number')
    const badParameter = analyze(
      "--metric",
      "active_hours",
      "--statistic",
      "bootstrap_mean",
      "--param",
      "num_samples=-3",
    )
    expect(badParameter.status).toBe(2)
    expect(badParameter.stderr).toContain("num_samples: must be a positive integer")
    const unknownParameter = analyze(
      "--metric",
      "active_hours",
      "--statistic",
      "bootstrap_mean",
      "--param",
      "num_sample=5",
    )
    expect(unknownParameter.status).toBe(2)
    expect(unknownParameter.stderr).toMatch(
      /num_sample: unknown key "num_sample" \(did you mean "num_samples"\?\)\n$/,
    )
  })
})

/**
 * A ratio as metric-hub's TOML defines it: `ad_ctr` = Σ ad_clicks / Σ search_count, with no
 * `ad_ctr` column. 5,000 control and 5,100 treatment clients; searches 1–5, clicks 0 or 1
 * with probability 0.3 (control) or 0.36 (treatment), so the ratio is 0.1 vs 0.12. The
 * largest values (5 searches, 1 click) are each held by far more than 0.5% of a branch's
 * clients, so the default winsorization (drop_highest 0.005) changes nothing.
 */
const ratioFolder = mkdtempSync(join(tmpdir(), "slipstream-analyze-ratio-"))
const ratioTable = join(ratioFolder, "searches.csv")
/** The same rows with a text column `ad_ctr`, which a ratio must not read. */
const ratioTableWithMetricColumn = join(ratioFolder, "searches-with-ad-ctr.csv")
const ratioRandom = seededRandom(11, "ratio table")
const totals = new Map([
  ["control", { clicks: 0, searches: 0 }],
  ["treatment", { clicks: 0, searches: 0 }],
])
const ratioLines = ["client_id,branch,ad_clicks,search_count"]
const ratioLinesWithMetric = ["client_id,branch,ad_ctr,ad_clicks,search_count"]
for (let client = 0; client < 10_100; client++) {
  const branch = client < 5000 ? "control" : "treatment"
  const searches = 1 + Math.floor(ratioRandom.nextDouble() * 5)
  const clicks = ratioRandom.nextDouble() < (branch === "treatment" ? 0.36 : 0.3) ? 1 : 0
  const total = totals.get(branch)
  if (total !== undefined) {
    total.clicks += clicks
    total.searches += searches
  }
  ratioLines.push(`c${client},${branch},${clicks},${searches}`)
  ratioLinesWithMetric.push(`c${client},${branch},n/a,${clicks},${searches}`)
}
writeFileSync(ratioTable, `${ratioLines.join("\n")}\n`)
writeFileSync(ratioTableWithMetricColumn, `${ratioLinesWithMetric.join("\n")}\n`)

const ratioArgs = [
  "--metric",
  "ad_ctr",
  "--statistic",
  "population_ratio",
  "--param",
  "numerator=ad_clicks",
  "--param",
  "denominator=search_count",
]

/** The ratio of `ratioTable`, run once (each run of the CLI takes seconds). */
let ratioResult: CliResult | undefined
const analyzeRatio = (): CliResult => {
  ratioResult ??= runCli(["analyze-table", ratioTable, "--format", "json", ...ratioArgs])
  return ratioResult
}

describe("slipstream analyze-table, a ratio named as in the TOML", () => {
  it("reads the numerator and denominator columns, not the metric, and names the rows by the metric", () => {
    const result = analyzeRatio()
    expect(result.stderr).toBe("")
    expect(result.status).toBe(0)
    const rows = rowsOf(result.stdout)
    expect(rows).toHaveLength(2 + 2 * 2 + 1)
    for (const row of rows.slice(0, -1)) {
      expect(row).toMatchObject({ metric: "ad_ctr", statistic: "population_ratio" })
    }
    for (const [branch, { clicks, searches }] of totals) {
      const row = find(rows, branch, null)
      const lower = row?.lower ?? Number.NaN
      const upper = row?.upper ?? Number.NaN
      // The point is the mean of 10,000 bootstrap draws of the ratio (as Jetstream's), so it
      // is Σ clicks / Σ searches within Monte Carlo error: a standard error is
      // (upper − lower) / 3.92 / √10000, and the bound here is about 4 of them.
      expect(Math.abs((row?.point ?? Number.NaN) - clicks / searches)).toBeLessThan(
        (upper - lower) / 100,
      )
      expect(lower).toBeLessThan(clicks / searches)
      expect(upper).toBeGreaterThan(clicks / searches)
    }
    expect(find(rows, "control", null)?.point).toBeCloseTo(0.1, 2)
    expect(find(rows, "treatment", null)?.point).toBeCloseTo(0.12, 2)
    // The clients per branch are counted from the numerator column: 5,000 and 5,100
    // against an even split give χ² = 2 · 50² / 5050.
    expect(rows.at(-1)).toMatchObject({ metric: "sample_ratio_mismatch", statistic: "chi_square" })
    expect(rows.at(-1)?.point).toBeCloseTo((2 * 50 * 50) / 5050, 10)
  })

  it("does not read a column named as the metric either: the same rows with one there", () => {
    const without = analyzeRatio()
    const withColumn = runCli([
      "analyze-table",
      ratioTableWithMetricColumn,
      "--format",
      "json",
      ...ratioArgs,
    ])
    expect(withColumn.status).toBe(0)
    expect(withColumn.stdout).toBe(without.stdout)
  })

  it("still says which parameters a ratio lacks", () => {
    const result = runCli([
      "analyze-table",
      ratioTable,
      "--metric",
      "ad_ctr",
      "--statistic",
      "population_ratio",
      "--param",
      "numerator=ad_clicks",
    ])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(
      "slipstream analyze-table: invalid population_ratio: denominator: is required but missing",
    )
  })
})
