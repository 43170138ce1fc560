import { describe, expect, it } from "@effect/vitest"
import { parseConfigFile } from "../../src/domain/config/parse-file.js"
import { statisticOf } from "../../src/stats/catalogue/statistic-catalogue.js"
import type { EstimateRow } from "../../src/stats/estimate.js"
import type { LinearModelSums } from "../../src/stats/linear-model.js"
import { sequentialBoundary, sequentialHalfWidth, sequentialP } from "../../src/stats/sequential.js"
import { computeSummaryOnAggregates } from "../../src/stats/summary-on-aggregates.js"
import { sampleMomentsOf, tTest, welchComparison } from "../../src/stats/t-test.js"
import { control, control3000, expectGbstats, treatment } from "../support/gbstats-t-test.js"

/*
 * gbstats' SequentialTwoSidedTTest (packages/stats/gbstats/frequentist/tests.py) and its
 * expectations in packages/stats/tests/frequentist/test_tests.py, class TestSequentialTTest,
 * and tests/test_gbstats.py, TestAnalyzeMetricDfSequential (commit 8f1db44569). Their
 * stat_a is the reference (control), stat_b the focus; alpha 0.05.
 */

const comparison = (rows: ReadonlyArray<EstimateRow>, branch: string, kind: string) =>
  rows.find((row) => row.branch === branch && row.comparison === kind)

describe("the sequential t-test reproduces gbstats' SequentialTwoSidedTTest", () => {
  it("test_sequential_test_runs (tuning 1000, relative)", () => {
    // expected=0.50336, ci=(-0.55844, 1.56516), Uplift("normal", 0.50336, 0.33341), pValue=1
    const { relative } = welchComparison(
      sampleMomentsOf(treatment),
      sampleMomentsOf(control3000),
      0.95,
      { tuning: 1000 },
    )
    expectGbstats(relative, {
      point: 0.50336,
      ci: [-0.55844, 1.56516],
      stddev: 0.33341,
      pValue: 1,
    })
  })

  it("test_sequential_test_runs_prop: proportions, their variance p(1 − p) (default tuning 5000)", () => {
    // ProportionStatistic(sum=1396, n=3000) vs (sum=2422, n=3461): expected=0.50386,
    // ci=(0.40098, 0.60675), Uplift("normal", 0.50386, 0.03386), pValue=0.0. gbstats gives a
    // proportion the variance p(1 − p) (divisor n); the t_test statistic's sums give a 0/1
    // column the sample variance (divisor n − 1), so this test gives the moments directly.
    const proportion = (successes: number, n: number) => {
      const mean = successes / n
      return { n, mean, variance: mean * (1 - mean) }
    }
    const { relative } = welchComparison(proportion(2422, 3461), proportion(1396, 3000), 0.95, {
      tuning: 5000,
    })
    expectGbstats(relative, {
      point: 0.50386,
      ci: [0.40098, 0.60675],
      stddev: 0.03386,
      pValue: 0,
    })
  })

  it("test_sequential_test_runs_ra: CUPED, θ pooled over the pair (default tuning 5000)", () => {
    // pre (Σx, Σx²), post (Σy, Σy²), post_pre_sum_of_products 1: expected=0.50338,
    // ci=(-0.50969, 1.51646), Uplift("normal", 0.50338, 0.33341), pValue=1
    const a = { n: 3000, sumY: 1396.87, sumY2: 52377.9767, sumX: 16.87, sumX2: 527.9767, sumXY: 1 }
    const b = { n: 3461, sumY: 2422.7, sumY2: 134698.29, sumX: 22.7, sumX2: 1348.29, sumXY: 1 }
    const output = tTest(
      new Map([
        ["a", a],
        ["b", b],
      ]),
      { confidence: 0.95, adjusted: true, sequential: { tuning: 5000 } },
    )
    const relative = comparison(output.rows, "b", "relative_uplift")
    expect(relative?.point).toBeCloseTo(0.50338, 5)
    expect(relative?.lower).toBeCloseTo(-0.50969, 5)
    expect(relative?.upper).toBeCloseTo(1.51646, 5)
    expect(relative?.pValue).toBeCloseTo(1, 5)
    expect(output.warnings).toEqual([])
  })

  it("test_analyze_metric_df_sequential (test_gbstats.py): tuning 600, to 1e-9", () => {
    // dimension "one": zero (100 users, Σ 270, Σ² 848.79) is the baseline, one (120, 300, 869):
    // expected = -0.074074074, pValue = 0.892332229, ci[0] = -0.233322085
    const sums = new Map([
      ["zero", { n: 100, sumY: 270, sumY2: 848.79 }],
      ["one", { n: 120, sumY: 300, sumY2: 869 }],
    ])
    const relative = comparison(
      tTest(sums, { confidence: 0.95, sequential: { tuning: 600 } }).rows,
      "one",
      "relative_uplift",
    )
    expect(relative?.point).toBeCloseTo(-0.074074074, 9)
    expect(relative?.pValue).toBeCloseTo(0.892332229, 9)
    expect(relative?.lower).toBeCloseTo(-0.233322085, 9)
    // "Wider CI with lower tuning parameter": tuning 1 lowers the lower bound.
    const badTuning = comparison(
      tTest(sums, { confidence: 0.95, sequential: { tuning: 1 } }).rows,
      "one",
      "relative_uplift",
    )
    expect(badTuning?.lower).toBeLessThan(relative?.lower ?? Number.NaN)
  })

  it("test_sequential_test_tuning_as_expected: tightest when tuned near the pair's 6461 clients", () => {
    const relativeAt = (tuning: number) =>
      welchComparison(sampleMomentsOf(treatment), sampleMomentsOf(control3000), 0.95, { tuning })
        .relative
    const below = relativeAt(10)
    const near = relativeAt(6461)
    const above = relativeAt(10000)
    const contains = (outer: typeof near, inner: typeof near) =>
      (outer?.lower ?? Number.NaN) < (inner?.lower ?? Number.NaN) &&
      (outer?.upper ?? Number.NaN) > (inner?.upper ?? Number.NaN)
    expect(contains(below, above)).toBe(true)
    expect(contains(below, near)).toBe(true)
    expect(contains(above, near)).toBe(true)
  })
})

describe("the normal-mixture boundary (sequential.ts)", () => {
  it("is tightest, over tunings, at the n it is tuned for (Waudby-Smith et al., eq. 161)", () => {
    const widthAt = (tuning: number) =>
      sequentialHalfWidth(sequentialBoundary(0.95, tuning), 1, 5000)
    for (const tuning of [500, 2000, 4000, 6000, 12000, 50000]) {
      expect(widthAt(tuning)).toBeGreaterThan(widthAt(5000))
    }
  })

  it("has the p-value that is 1/e-value: α exactly where the interval's bound reaches 0", () => {
    // With ρ fixed, p = α at |estimate| = half-width: the interval and the p-value agree.
    const boundary = sequentialBoundary(0.9, 3000)
    const halfWidth = sequentialHalfWidth(boundary, 0.2, 3000)
    expect(sequentialP(boundary, halfWidth, 0.2, 3000)).toBeCloseTo(0.1, 12)
    expect(sequentialP(boundary, -halfWidth, 0.2, 3000)).toBeCloseTo(0.1, 12)
    expect(sequentialP(boundary, 0, 0.2, 3000)).toBe(1)
  })
})

/** A branch's sums with this mean and sample standard deviation over n clients. */
const sumsWith = (n: number, mean: number, sd: number): LinearModelSums => ({
  n,
  sumY: n * mean,
  sumY2: (n - 1) * sd * sd + n * mean * mean,
})

describe("the sequential test is more cautious than the fixed-horizon one", () => {
  /*
   * Effects of 0 to 4 fixed-horizon standard errors (fixed p from 1 down to about 1e-4), from
   * 50 to 10⁶ clients per branch, at several levels and tunings: the sequential interval
   * contains the fixed one, and its p-value is at least the fixed one. (Far beyond: see
   * docs/statistics.md — the fixed test's Student t has heavier tails than the normal mixture.)
   */
  const cases = [50, 1000, 1_000_000].flatMap((n) =>
    [0, 1, 2, 3, 4].flatMap((standardErrors) =>
      [0.8, 0.95, 0.99].flatMap((confidence) =>
        [100, 5000, 10_000_000].map((tuning) => ({ n, standardErrors, confidence, tuning })),
      ),
    ),
  )

  it.each(cases)(
    "n $n, effect $standardErrors se, confidence $confidence, tuning $tuning",
    ({ n, standardErrors, confidence, tuning }) => {
      const sd = 2
      const se = sd * Math.sqrt(2 / n)
      const sums = new Map([
        ["control", sumsWith(n, 10, sd)],
        ["treatment", sumsWith(n, 10 + standardErrors * se, sd)],
      ])
      const fixed = tTest(sums, { confidence }).rows
      const sequential = tTest(sums, { confidence, sequential: { tuning } }).rows
      expect(sequential).toHaveLength(fixed.length)
      fixed.forEach((row, index) => {
        const other = sequential[index]
        expect(other?.point).toBe(row.point)
        if (row.comparison === undefined) {
          // The branch rows stay fixed-horizon.
          expect(other).toEqual(row)
          return
        }
        expect(other?.lower).toBeLessThan(row.lower ?? Number.NaN)
        expect(other?.upper).toBeGreaterThan(row.upper ?? Number.NaN)
        expect(other?.pValue).toBeGreaterThanOrEqual(row.pValue ?? Number.NaN)
      })
    },
  )
})

describe("the t_test statistic's sequential parameters", () => {
  const sums = new Map([
    ["control", { clients: control.n, sums: control }],
    ["treatment", { clients: treatment.n, sums: treatment }],
  ])
  const rowsOf = (written: Record<string, unknown>) =>
    computeSummaryOnAggregates(statisticOf("t_test", written), sums, { seed: 1, stream: "m" }).rows

  it("decode with gbstats' default tuning, and make the comparisons always valid", () => {
    expect(statisticOf("t_test", { sequential: true }).parameters).toMatchObject({
      sequential: true,
      sequential_tuning: 5000,
    })
    const kernel = tTest(
      new Map([
        ["control", control],
        ["treatment", treatment],
      ]),
      { confidence: 0.9, sequential: { tuning: 20_000 } },
    )
    expect(
      rowsOf({ sequential: true, sequential_tuning: 20_000, confidence_interval: 0.9 }),
    ).toEqual(kernel.rows)
    expect(rowsOf({ sequential: true })).not.toEqual(rowsOf({}))
    // A tuning without `sequential` changes nothing.
    expect(rowsOf({ sequential_tuning: 20_000 })).toEqual(rowsOf({}))
  })

  it("refuse what is not a boolean or a positive tuning", () => {
    expect(() => statisticOf("t_test", { sequential: "true" })).toThrow(/sequential/)
    expect(() => statisticOf("t_test", { sequential: 1 })).toThrow(/sequential/)
    expect(() => statisticOf("t_test", { sequential_tuning: 0 })).toThrow(/positive number/)
    expect(() => statisticOf("t_test", { sequential_tuning: -5 })).toThrow(/positive number/)
    expect(() => statisticOf("t_test", { sequential_tuning: Number.POSITIVE_INFINITY })).toThrow(
      /positive number/,
    )
  })

  it("are read from TOML: [metrics.m.statistics.t_test] sequential = true", () => {
    const parsed = parseConfigFile(
      "jetstream/my-experiment.toml",
      `
[metrics]
weekly = ["m"]

[metrics.m.statistics.t_test]
sequential = true
sequential_tuning = 12000
`,
    )
    expect(parsed.issues).toEqual([])
    if (parsed.decoded?.kind !== "experiment") throw new Error("not an experiment config")
    expect(parsed.decoded.spec.metrics.definitions.m?.statistics?.[0]?.decoded).toEqual({
      name: "t_test",
      parameters: {
        drop_highest: 0,
        confidence_interval: 0.95,
        sequential: true,
        sequential_tuning: 12000,
      },
    })
  })
})
