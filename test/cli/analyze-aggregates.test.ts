import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import type { StatisticResult } from "../../src/domain/statistic-result.js"
import { control, treatment } from "../support/gbstats-t-test.js"
import { runCliAsync } from "../support/run-cli.js"

/*
 * `slipstream analyze-aggregates` as a person runs it: one run per behaviour, all started at
 * once (what it computes is tested without spawning in
 * test/pipeline/analyze-aggregates.test.ts). Inputs and expectations are gbstats'
 * (growthbook/growthbook packages/stats, commit 8f1db44569): tests/frequentist/test_tests.py
 * and tests/test_gbstats.py, as in test/stats/t-test.test.ts.
 */

const folder = mkdtempSync(join(tmpdir(), "slipstream-aggregates-"))
const written = (name: string, contents: unknown) => {
  const file = join(folder, name)
  writeFileSync(file, JSON.stringify(contents))
  return file
}

/** TestTwoSidedTTest's stat_a and stat_b. */
const means = written("active_hours.json", {
  reference: "control",
  branches: {
    control: { n: control.n, sum: control.sumY, sum_squares: control.sumY2 },
    treatment: { n: treatment.n, sum: treatment.sumY, sum_squares: treatment.sumY2 },
  },
})

/** RA_STATISTICS_DF of test_analyze_metric_df_ra. */
const cuped = written("cuped.json", {
  reference: "zero",
  branches: {
    zero: {
      n: 3001,
      sum: 300,
      sum_squares: 600,
      covariate: { sum: 210, sum_squares: 415 },
      sum_products: -20,
    },
    one: {
      n: 3000,
      sum: 222,
      sum_squares: 555,
      covariate: { sum: 120, sum_squares: 405 },
      sum_products: -10,
    },
  },
})

/**
 * RATIO_STATISTICS_DF of test_get_metric_dfs_frequentist_ratio (its denominators' sums of
 * squares are made up, which a warning says).
 */
const ratio = written("ratio.json", {
  reference: "zero",
  branches: {
    zero: {
      n: 100,
      sum: 270,
      sum_squares: 848.79,
      denominator: { sum: 510, sum_squares: 810 },
      sum_products: -900,
    },
    one: {
      n: 120,
      sum: 300,
      sum_squares: 869,
      denominator: { sum: 500, sum_squares: 800 },
      sum_products: -905,
    },
  },
})

const missing = written("missing.json", {
  branches: { control: { n: 10, sum: 3, sum_squares: 5 }, treatment: { n: 12, sum: 4 } },
})

const analyze = (file: string, statistic: string, ...more: ReadonlyArray<string>) =>
  runCliAsync(["analyze-aggregates", file, "--statistic", statistic, ...more])

const runs = {
  means: analyze(
    means,
    "t_test",
    "--ratio",
    "control=1",
    "--ratio",
    "treatment=2",
    "--format",
    "json",
  ),
  cuped: analyze(cuped, "t_test"),
  ratio: analyze(ratio, "t_test", "--format", "json"),
  missing: analyze(missing, "t_test"),
  unknown: analyze(means, "t-test"),
  perClient: analyze(means, "bootstrap_mean"),
}

/** The runs share the cores: one may wait for the others. */
const timeout = 180_000

const rowsOf = (stdout: string): ReadonlyArray<StatisticResult> => JSON.parse(stdout)
const find = (rows: ReadonlyArray<StatisticResult>, branch: string, comparison: string) =>
  rows.find((row) => row.branch === branch && row.comparison === comparison)

describe("slipstream analyze-aggregates", () => {
  it(
    "prints t_test's rows as JSON, gbstats' numbers, then the sample-ratio row at the --ratio shares",
    async () => {
      const result = await runs.means
      expect(result.stderr).toBe("")
      expect(result.status).toBe(0)
      const rows = rowsOf(result.stdout)
      expect(rows).toHaveLength(2 + 2 + 1)
      // test_two_sided_ttest_absolute: 0.29, ci (0.04538, 0.53462), pValue 0.02016
      const difference = find(rows, "treatment", "difference")
      expect(difference).toMatchObject({
        metric: "active_hours",
        statistic: "t_test",
        comparison_to_branch: "control",
        ci_width: 0.95,
        segment: "all",
        analysis_basis: "enrollments",
        window_index: "1",
      })
      expect(difference?.point).toBeCloseTo(0.29, 5)
      expect(difference?.lower).toBeCloseTo(0.04538, 5)
      expect(difference?.upper).toBeCloseTo(0.53462, 5)
      expect(difference?.p_value).toBeCloseTo(0.02016, 5)
      // test_two_sided_ttest: 0.70732, ci (-0.03526, 1.44989), pValue 0.06191
      const relative = find(rows, "treatment", "relative_uplift")
      expect(relative?.point).toBeCloseTo(0.70732, 5)
      expect(relative?.lower).toBeCloseTo(-0.03526, 5)
      expect(relative?.upper).toBeCloseTo(1.44989, 5)
      expect(relative?.p_value).toBeCloseTo(0.06191, 5)
      // 6868 clients expected 1 : 2, observed 3407 : 3461.
      const [expectedControl, expectedTreatment] = [6868 / 3, (2 * 6868) / 3]
      const chiSquare =
        (3407 - expectedControl) ** 2 / expectedControl +
        (3461 - expectedTreatment) ** 2 / expectedTreatment
      expect(rows.at(-1)).toMatchObject({
        metric: "sample_ratio_mismatch",
        statistic: "chi_square",
        branch: "control",
      })
      expect(rows.at(-1)?.point).toBeCloseTo(chiSquare, 8)
      expect(rows.at(-1)?.p_value).toBeLessThan(1e-100)
    },
    timeout,
  )

  it(
    "adjusts t_test with a covariate's sums (CUPED), printed as a table",
    async () => {
      // relative −0.281707154, pValue 0.003732549
      const result = await runs.cuped
      expect(result.stderr).toBe("")
      expect(result.status).toBe(0)
      const lines = result.stdout.trimEnd().split("\n")
      expect(lines[0]).toMatch(
        /^statistic\s+branch\s+comparison\s+to\s+parameter\s+point\s+lower\s+upper\s+p$/,
      )
      expect(lines).toHaveLength(1 + 2 + 2 + 1)
      const relative = lines.find((line) => /^t_test\s+one\s+relative_uplift\s+zero\s/.test(line))
      const [, , , , point, , , pValue] = relative?.split(/\s+/) ?? []
      expect(Number(point)).toBeCloseTo(-0.281707, 6)
      expect(Number(pValue)).toBeCloseTo(0.00373255, 8)
    },
    timeout,
  )

  it(
    "tests a ratio from its numerator's and denominator's sums",
    async () => {
      // relative 0.133333333, pValue 0.610663339
      const result = await runs.ratio
      expect(result.status).toBe(0)
      expect(result.stderr).toMatch(
        /^warning: .*ratio\.json: branches\.zero\.denominator\.sum_squares: /,
      )
      const rows = rowsOf(result.stdout)
      expect(find(rows, "one", "relative_uplift")?.point).toBeCloseTo(0.133333333, 8)
      expect(find(rows, "one", "relative_uplift")?.p_value).toBeCloseTo(0.610663339, 8)
    },
    timeout,
  )

  it(
    "names the branch and key a file lacks, exit status 1",
    async () => {
      const result = await runs.missing
      expect(result.status).toBe(1)
      expect(result.stdout).toBe("")
      expect(result.stderr).toBe(
        `slipstream analyze-aggregates: ${missing}: branches.treatment.sum_squares: is required but missing\n`,
      )
    },
    timeout,
  )

  it(
    "refuses an unknown statistic, exit status 2",
    async () => {
      const result = await runs.unknown
      expect(result.status).toBe(2)
      expect(result.stderr).toMatch(
        /^slipstream analyze-aggregates: unknown statistic "t-test" \(did you mean "t_test"\?\)/,
      )
    },
    timeout,
  )

  it(
    "refuses a statistic that needs per-client values, exit status 2, listing those that do not",
    async () => {
      const result = await runs.perClient
      expect(result.status).toBe(2)
      expect(result.stderr).toMatch(
        /^slipstream analyze-aggregates: bootstrap_mean needs each branch's distinct values with their counts, which sufficient statistics do not give .*; from sufficient statistics: [a-z_, ]*\bt_test\b/,
      )
      expect(result.stderr).toContain("linear_model_mean")
      expect(result.stderr).not.toMatch(/statistics: .*deciles/)
    },
    timeout,
  )
})
