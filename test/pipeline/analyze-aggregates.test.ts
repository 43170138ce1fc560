import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import type { StatisticResult } from "../../src/domain/statistic-result.js"
import {
  type AnalyzeAggregatesRequest,
  analyzeAggregates,
} from "../../src/pipeline/analyze-aggregates.js"
import { statisticsFor, statisticsFromSums } from "../../src/pipeline/statistic-from-sums.js"
import {
  aggregateRequestOf,
  statisticNames,
  statisticOf,
} from "../../src/stats/catalogue/statistic-catalogue.js"
import { computeSummaryOnClients } from "../../src/stats/compute-summary.js"
import { standardNormal } from "../../src/stats/distributions.js"
import { seededRandom } from "../../src/stats/random.js"
import { toStatisticResults } from "../../src/stats/statistic-results.js"
import { control, treatment } from "../support/gbstats-t-test.js"

/*
 * Reference values: GrowthBook's gbstats, growthbook/growthbook packages/stats (commit
 * 8f1db4456915a8e7b7faf23d5632ca7219d2f469), the same inputs and expectations as
 * test/stats/t-test.test.ts and test/stats/bayesian-gaussian.test.ts, here given as the
 * JSON of `slipstream analyze-aggregates`.
 */

/** tests/frequentist/test_tests.py: stat_a, stat_b of TestTwoSidedTTest. */
const gbstatsMeans = {
  reference: "control",
  branches: {
    control: { n: control.n, sum: control.sumY, sum_squares: control.sumY2 },
    treatment: { n: treatment.n, sum: treatment.sumY, sum_squares: treatment.sumY2 },
  },
}

/** tests/test_gbstats.py: RA_STATISTICS_DF (test_analyze_metric_df_ra). */
const gbstatsCuped = {
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
}

/** tests/test_gbstats.py: RATIO_STATISTICS_DF (test_get_metric_dfs_frequentist_ratio). */
const gbstatsRatio = {
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
}

const analyze = (
  contents: unknown,
  statistic: string,
  more: Partial<AnalyzeAggregatesRequest> = {},
) =>
  Effect.runSync(
    Effect.either(
      analyzeAggregates({
        file: "in/sums.json",
        contents,
        statistic,
        parameters: {},
        seed: 1,
        ...more,
      }),
    ),
  )

const resultOf = (...args: Parameters<typeof analyze>) =>
  Either.getOrThrowWith(analyze(...args), (error) => new Error(error.message))

const errorOf = (...args: Parameters<typeof analyze>) =>
  Either.match(analyze(...args), {
    onLeft: (error) => ({ message: error.message, usage: error.usage === true }),
    onRight: () => undefined,
  })

const rowOf = (results: ReadonlyArray<StatisticResult>, branch: string, comparison: string) =>
  results.find((row) => row.branch === branch && row.comparison === comparison)

describe("analyzeAggregates reproduces gbstats from sufficient statistics", () => {
  it("t_test: TestTwoSidedTTest's absolute and relative tests, then the sample-ratio row", () => {
    const { results, warnings } = resultOf(gbstatsMeans, "t_test")
    expect(warnings).toEqual([])
    // test_two_sided_ttest_absolute: 0.29, ci (0.04538, 0.53462), pValue 0.02016
    const difference = rowOf(results, "treatment", "difference")
    expect(difference).toMatchObject({
      metric: "sums",
      statistic: "t_test",
      comparison_to_branch: "control",
      ci_width: 0.95,
    })
    expect(difference?.point).toBeCloseTo(0.29, 5)
    expect(difference?.lower).toBeCloseTo(0.04538, 5)
    expect(difference?.upper).toBeCloseTo(0.53462, 5)
    expect(difference?.p_value).toBeCloseTo(0.02016, 5)
    // test_two_sided_ttest: 0.70732, ci (-0.03526, 1.44989), pValue 0.06191
    const relative = rowOf(results, "treatment", "relative_uplift")
    expect(relative?.point).toBeCloseTo(0.70732, 5)
    expect(relative?.lower).toBeCloseTo(-0.03526, 5)
    expect(relative?.upper).toBeCloseTo(1.44989, 5)
    expect(relative?.p_value).toBeCloseTo(0.06191, 5)
    // Only comparisons against the file's reference; then χ² of 3407 : 3461 against 1 : 1.
    expect(results.filter((row) => row.comparison_to_branch === "treatment")).toEqual([])
    expect(results.at(-1)).toMatchObject({
      metric: "sample_ratio_mismatch",
      statistic: "chi_square",
      branch: "control",
    })
    expect(results.at(-1)?.point).toBeCloseTo((2 * 27 ** 2) / 3434, 12)
  })

  it("t_test with a covariate is CUPED: test_analyze_metric_df_ra", () => {
    const { results, warnings } = resultOf(gbstatsCuped, "t_test")
    expect(warnings).toEqual([])
    // cr 0.099966678 and 0.074 (unadjusted means); expected -0.281707154, pValue 0.003732549
    expect(results[0]?.point).toBeCloseTo(0.099966678, 8)
    expect(results[1]?.point).toBeCloseTo(0.074, 12)
    const relative = rowOf(results, "one", "relative_uplift")
    expect(relative?.point).toBeCloseTo(-0.281707154, 8)
    expect(relative?.p_value).toBeCloseTo(0.003732549, 8)
  })

  it("t_test with a denominator is the ratio's: test_get_metric_dfs_frequentist_ratio", () => {
    const { results, warnings } = resultOf(gbstatsRatio, "t_test")
    // cr 0.529411765 and 0.6; expected 0.133333333, pValue 0.610663339
    expect(results[0]?.point).toBeCloseTo(0.529411765, 8)
    expect(results[1]?.point).toBeCloseTo(0.6, 12)
    const relative = rowOf(results, "one", "relative_uplift")
    expect(relative?.point).toBeCloseTo(0.133333333, 8)
    expect(relative?.p_value).toBeCloseTo(0.610663339, 8)
    // gbstats' made-up denominators have Σd² < (Σd)²/n, which no values have: said, not refused.
    expect(warnings).toEqual([
      "in/sums.json: branches.zero.denominator.sum_squares: 810 is less than sum²/n = 2601: no 100 values have these sums",
      "in/sums.json: branches.one.denominator.sum_squares: 800 is less than sum²/n = 2083.33: no 120 values have these sums",
    ])
  })

  it("runs a statistic added to the catalogue with no code of its own: bayesian_gaussian", () => {
    // tests/bayesian/test_tests.py, TestNorm, test_bayesian_gaussian_ab_test (flat prior):
    // expected 0.05, ci (-0.02, 0.12), chanceToWin 0.91923
    const { results } = resultOf(
      {
        branches: {
          a: { n: 10, sum: 100, sum_squares: 1002.25 },
          b: { n: 10, sum: 105, sum_squares: 1111.5 },
        },
      },
      "bayesian_gaussian",
    )
    const relative = results.find(
      (row) => row.comparison === "relative_uplift" && row.comparison_to_branch === "a",
    )
    expect(relative?.point).toBeCloseTo(0.05, 5)
    expect(relative?.lower).toBeCloseTo(-0.02, 5)
    expect(relative?.upper).toBeCloseTo(0.12, 5)
  })
})

/**
 * 2 × 2000 clients with a pre-period covariate and a ratio's numerator and denominator: the
 * sums of these, analysed here, must give analyze-table's rows on the clients themselves.
 */
const random = seededRandom(5, "aggregates agreement")
const clients = new Map(
  ["control", "treatment"].map((branch, index) => {
    const size = 2000
    const covariate = new Float64Array(size)
    const values = new Float64Array(size)
    const denominator = new Float64Array(size)
    for (let client = 0; client < size; client++) {
      covariate[client] = 4 + standardNormal(random)
      values[client] = (covariate[client] ?? 0) + 0.3 * index + standardNormal(random)
      denominator[client] = 1 + Math.floor(random.nextDouble() * 4)
    }
    return [branch, { values, covariate, numerator: values, denominator }] as const
  }),
)
const sum = (column: Float64Array, other: Float64Array = column.map(() => 1)) =>
  column.reduce((total, value, index) => total + value * (other[index] ?? 0), 0)
const sumsFile = (with_: "covariate" | "denominator") => ({
  branches: Object.fromEntries(
    [...clients].map(([branch, { values, covariate, denominator }]) => {
      const paired = with_ === "covariate" ? covariate : denominator
      return [
        branch,
        {
          n: values.length,
          sum: sum(values),
          sum_squares: sum(values, values),
          [with_]: { sum: sum(paired), sum_squares: sum(paired, paired) },
          sum_products: sum(values, paired),
        },
      ]
    }),
  ),
})

describe("analyzeAggregates agrees with the per-client path on the same clients", () => {
  const onClients = (name: "linear_model_mean" | "t_test", written: object) => {
    const statistic = statisticOf(name, written)
    const output = computeSummaryOnClients(statistic, [], clients, {
      seed: 1,
      stream: "m",
      analysisPeriodLength: 1,
    })
    return toStatisticResults(output.rows, {
      metric: "m",
      statistic: name === "t_test" ? "t_test" : "mean_lm",
      segment: "all",
      analysisBasis: "enrollments",
      windowIndex: 1,
      confidence: 0.95,
    })
  }
  const close = (
    actual: ReadonlyArray<StatisticResult>,
    expected: ReadonlyArray<StatisticResult>,
  ) => {
    expect(actual.length).toBe(expected.length)
    expected.forEach((row, index) => {
      const { point, lower, upper, p_value, ...rest } = row
      expect(actual[index]).toMatchObject(rest)
      expect(actual[index]?.point).toBeCloseTo(point ?? Number.NaN, 9)
      expect(actual[index]?.lower).toBeCloseTo(lower ?? Number.NaN, 9)
      expect(actual[index]?.upper).toBeCloseTo(upper ?? Number.NaN, 9)
      if (p_value !== undefined) expect(actual[index]?.p_value).toBeCloseTo(p_value ?? 0, 9)
    })
  }

  it("linear_model_mean with a covariate: the covariate's sums adjust it, uncapped", () => {
    const { results } = resultOf({ metric: "m", ...sumsFile("covariate") }, "linear_model_mean")
    close(
      results.slice(0, -1),
      onClients("linear_model_mean", {
        drop_highest: 0,
        covariate_adjustment: { period: "preenrollment_week" },
      }),
    )
  })

  it("t_test of a ratio", () => {
    const { results } = resultOf({ metric: "m", ...sumsFile("denominator") }, "t_test")
    close(results.slice(0, -1), onClients("t_test", { numerator: "n", denominator: "d" }))
  })
})

describe("which statistics run from sufficient statistics", () => {
  it("is the catalogue's say: those whose aggregate is sums or a ratio's sums", () => {
    const fromSums = statisticsFromSums()
    expect(fromSums).toEqual(
      expect.arrayContaining(["t_test", "linear_model_mean", "population_ratio", "count", "sum"]),
    )
    for (const name of ["bootstrap_mean", "deciles", "binomial", "empirical_cdf"] as const) {
      expect(fromSums).not.toContain(name)
      expect(aggregateRequestOf(statisticOf(name)).kind).not.toMatch(/sums/)
    }
    expect(statisticsFor("ratio_sums")).toEqual(
      expect.arrayContaining(["t_test", "population_ratio"]),
    )
    expect(statisticsFor("ratio_sums")).not.toContain("linear_model_mean")
    expect(fromSums.every((name) => statisticNames.includes(name))).toBe(true)
  })

  it("refuses another as a usage error, listing them", () => {
    expect(errorOf(gbstatsMeans, "deciles")).toEqual({
      message: `deciles needs each branch's order statistics, which sufficient statistics do not give (analyze-table computes it from a per-client table); from sufficient statistics: ${statisticsFromSums().join(", ")}`,
      usage: true,
    })
    expect(errorOf(gbstatsMeans, "t_tst")?.message).toMatch(
      /^unknown statistic "t_tst" \(did you mean "t_test"\?\)/,
    )
  })

  it("refuses a statistic the sums' shape does not fit, as an error in the file", () => {
    expect(errorOf(gbstatsRatio, "linear_model_mean")).toEqual({
      message: `in/sums.json: the branches hold a ratio (a denominator), which linear_model_mean does not take; statistics of a ratio: ${statisticsFor("ratio_sums").join(", ")}`,
      usage: false,
    })
    const asRatio = {
      message:
        'in/sums.json: t_test, as asked, reads a ratio\'s sums: each branch needs a "denominator" (with "sum_products")',
      usage: false,
    }
    expect(
      errorOf(gbstatsMeans, "t_test", { parameters: { numerator: "a", denominator: "b" } }),
    ).toEqual(asRatio)
    expect(errorOf(gbstatsMeans, "population_ratio")?.message).toMatch(
      /^in\/sums\.json: population_ratio, as asked, reads a ratio's sums/,
    )
  })

  it("runs population_ratio from a ratio's sums, no numerator or denominator parameter needed", () => {
    const { results } = resultOf(sumsFile("denominator"), "population_ratio", {
      parameters: { num_samples: 2000 },
    })
    const first = clients.get("control")
    const ratio =
      sum(first?.values ?? new Float64Array()) / sum(first?.denominator ?? new Float64Array())
    // The draws' mean: within a few hundredths of the interval's width of Σm/Σd.
    const row = results[0]
    expect(row?.statistic).toBe("population_ratio")
    expect(Math.abs((row?.point ?? 0) - ratio)).toBeLessThan(
      ((row?.upper ?? 0) - (row?.lower ?? 0)) / 20,
    )
  })
})

describe("what analyzeAggregates refuses or warns of", () => {
  it("names the file, the branch and the key of each problem in the file", () => {
    const wrong = {
      reference: "contrl",
      branches: {
        control: { n: 10, sum: 3 },
        treatment: { n: 10, sum: 4, sum_square: 5 },
        other: { n: 2.5, sum: 1, sum_squares: 1, covariate: { sum: 1, sum_squares: 1 } },
      },
    }
    expect(errorOf(wrong, "t_test")?.message).toBe(
      'in/sums.json: branches.control.sum_squares: is required but missing; branches.other.n: expected an integer, got 2.5; branches.treatment.sum_square: unknown key "sum_square" (did you mean "sum_squares"?); branches.treatment.sum_squares: is required but missing',
    )
    const unpaired = {
      reference: "contrl",
      branches: {
        control: { ...gbstatsRatio.branches.zero, covariate: { sum: 1, sum_squares: 1 } },
        treatment: { n: 10, sum: 4, sum_squares: 5, covariate: { sum: 1, sum_squares: 1 } },
        other: { n: 10, sum: 4, sum_squares: 5, sum_products: 3 },
      },
    }
    expect(errorOf(unpaired, "t_test")).toEqual({
      message:
        'in/sums.json: branches.control.denominator: is given with "covariate": a ratio has no covariate adjustment; branches.treatment.sum_products: is required with "covariate"; branches.other.sum_products: is given without "covariate" or "denominator"; branches.treatment.denominator: is required (branch control has one: the metric is a ratio); branches.other.denominator: is required (branch control has one: the metric is a ratio); reference: "contrl" is not a branch (did you mean "control"?) (control, treatment, other)',
      usage: false,
    })
    expect(errorOf({ branches: {} }, "t_test")?.message).toBe(
      "in/sums.json: branches: no branch is given",
    )
    expect(errorOf(gbstatsMeans, "t_test", { ratios: { contrl: 1 } })?.message).toBe(
      'a ratio is given for "contrl", not a branch of in/sums.json (control, treatment)',
    )
  })

  it("refuses drop_highest > 0 (sums cannot be capped) as a usage error", () => {
    expect(errorOf(gbstatsMeans, "t_test", { parameters: { drop_highest: 0.01 } })).toEqual({
      message:
        "invalid t_test: drop_highest: sums cannot be capped at a quantile; cap the values before summing them, or leave drop_highest out",
      usage: true,
    })
    expect(errorOf(gbstatsMeans, "t_test", { parameters: { sequentiall: true } })?.usage).toBe(true)
  })

  it("says when a statistic leaves the covariate unused, and names rows by the file", () => {
    const { results, warnings } = resultOf(gbstatsCuped, "count")
    expect(warnings).toEqual(["in/sums.json: count does not use the covariate"])
    expect(results.map((row) => row.point)).toEqual([3001, 3000, expect.any(Number)])
    expect(results[0]?.metric).toBe("sums")
  })
})
