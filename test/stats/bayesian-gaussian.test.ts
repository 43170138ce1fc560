import { describe, expect, it } from "@effect/vitest"
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile"
import { publishedStatistics } from "../../src/pipeline/publish/published-statistics.js"
import { bayesianGaussian } from "../../src/stats/bayesian-gaussian.js"
import { aggregateRequestOf, statisticOf } from "../../src/stats/catalogue/statistic-catalogue.js"
import { computeSummaryOnClients } from "../../src/stats/compute-summary.js"
import { standardNormal } from "../../src/stats/distributions.js"
import type { Comparison, EstimateRow } from "../../src/stats/estimate.js"
import {
  absolutePrior,
  chanceOfPositive,
  credibleInterval,
  gaussianPosterior,
} from "../../src/stats/gaussian-posterior.js"
import { type LinearModelSums, linearModelSumsOf } from "../../src/stats/linear-model.js"
import { type RatioData, ratioDataOf } from "../../src/stats/population-ratio.js"
import { seededRandom } from "../../src/stats/random.js"
import { toStatisticResults } from "../../src/stats/statistic-results.js"
import {
  type BranchAggregates,
  computeSummaryOnAggregates,
} from "../../src/stats/summary-on-aggregates.js"
import { meanComparisons } from "../../src/stats/t-test.js"
import { validatorFor } from "../support/experimenter-reader.js"

/*
 * Reference values: GrowthBook's gbstats, growthbook/growthbook packages/stats (commit
 * 8f1db4456915a8e7b7faf23d5632ca7219d2f469), EffectBayesianABTest with EffectBayesianConfig
 * (prior_effect = GaussianPrior(mean, variance, proper), prior_type "relative"; alpha 0.05).
 * "published" values are the expectations of its own tests (tests/bayesian/test_tests.py
 * rounded to 5 decimals, tests/test_gbstats.py to 9); "gbstats run" values are what that
 * commit's EffectBayesianABTest(...).compute_result() returns for the same statistics, unrounded.
 */

const z975 = normalQuantile(0.975, 0, 1)

/** bayesian_gaussian's rows on push-down sums, through the catalogue. */
const rowsOn = (written: object, branches: ReadonlyMap<string, BranchAggregates>) =>
  computeSummaryOnAggregates(statisticOf("bayesian_gaussian", written), branches, {
    seed: 1,
    stream: "m",
  })

const sumsOf = (entries: ReadonlyArray<readonly [string, LinearModelSums]>) =>
  new Map(entries.map(([branch, sums]) => [branch, { clients: sums.n, sums }]))

const rowOf = (
  rows: ReadonlyArray<EstimateRow>,
  branch: string,
  comparison: Comparison,
  reference: string,
) =>
  rows.find(
    (row) =>
      row.branch === branch &&
      row.comparison === comparison &&
      row.comparisonToBranch === reference,
  )

/** A row's point and bounds within 10^−digits / 2 of gbstats' expected, ci and chance to win. */
const expectPosterior = (
  rows: ReadonlyArray<EstimateRow>,
  [branch, reference]: readonly [string, string],
  expected: {
    readonly relative?: { readonly expected: number; readonly ci: readonly [number, number] }
    readonly absolute?: { readonly expected: number; readonly ci: readonly [number, number] }
    readonly chanceToWin?: number
  },
  digits: number,
) => {
  for (const [comparison, value] of [
    ["relative_uplift", expected.relative],
    ["difference", expected.absolute],
  ] as const) {
    if (value === undefined) continue
    const row = rowOf(rows, branch, comparison, reference)
    expect(row?.point).toBeCloseTo(value.expected, digits)
    expect(row?.lower).toBeCloseTo(value.ci[0], digits)
    expect(row?.upper).toBeCloseTo(value.ci[1], digits)
  }
  if (expected.chanceToWin !== undefined) {
    const chance = rowOf(rows, branch, "chance_to_beat", reference)
    expect(chance?.point).toBeCloseTo(expected.chanceToWin, digits)
    expect(chance?.lower).toBeUndefined()
    expect(chance?.upper).toBeUndefined()
  }
}

describe("bayesian_gaussian reproduces test_tests.py's TestNorm (SampleMeanStatistic)", () => {
  // stat_a = SampleMeanStatistic(sum=100, sum_squares=1002.25, n=10), stat_b (105, 1111.5, 10)
  const branches = sumsOf([
    ["a", { n: 10, sumY: 100, sumY2: 1002.25 }],
    ["b", { n: 10, sumY: 105, sumY2: 1111.5 }],
  ])

  it("flat prior (test_bayesian_gaussian_ab_test, published)", () => {
    const { rows, warnings } = rowsOn({}, branches)
    // expected=0.05, ci=(-0.02, 0.12), chanceToWin=0.91923
    expectPosterior(
      rows,
      ["b", "a"],
      { relative: { expected: 0.05, ci: [-0.02, 0.12] }, chanceToWin: 0.91923 },
      5,
    )
    // gbstats run: ci=(-0.020001863604820883, 0.12000186360482087), 0.9192339081566245;
    // difference_type="absolute": 0.5, (-0.1929519121748391, 1.192951912174839)
    expectPosterior(
      rows,
      ["b", "a"],
      {
        relative: { expected: 0.05, ci: [-0.020001863604820883, 0.12000186360482087] },
        absolute: { expected: 0.5, ci: [-0.1929519121748391, 1.192951912174839] },
        chanceToWin: 0.9192339081566245,
      },
      12,
    )
    expect(warnings).toEqual([])
  })

  it("informative prior N(0.1, 0.1) (test_bayesian_gaussian_ab_test_informative, published)", () => {
    const { rows } = rowsOn({ prior_mean: 0.1, prior_stddev: Math.sqrt(0.1) }, branches)
    // expected=0.05063, ci=(-0.01893, 0.12019), chanceToWin=0.92315
    expectPosterior(
      rows,
      ["b", "a"],
      { relative: { expected: 0.05063, ci: [-0.01893, 0.12019] }, chanceToWin: 0.92315 },
      5,
    )
    // gbstats run, relative: 0.05062977888312217, (-0.018929830742817608, 0.12018938850906194),
    // 0.9231499085772956; absolute (prior rescaled by the control mean 10):
    // 0.5061728395061729, (-0.18248830749889577, 1.1948339865112414)
    expectPosterior(
      rows,
      ["b", "a"],
      {
        relative: {
          expected: 0.05062977888312217,
          ci: [-0.018929830742817608, 0.12018938850906194],
        },
        absolute: {
          expected: 0.5061728395061729,
          ci: [-0.18248830749889577, 1.1948339865112414],
        },
        chanceToWin: 0.9231499085772956,
      },
      12,
    )
  })

  it("with b as reference (gbstats run with stat_a, stat_b swapped)", () => {
    const { rows } = rowsOn({ prior_mean: 0.1, prior_stddev: Math.sqrt(0.1) }, branches)
    // relative: -0.046085934399202125, (-0.10924911715508968, 0.01707724835668542),
    // chanceToWin 0.07635073909107078; absolute: -0.48262331838565015,
    // (-1.1716800231320539, 0.2064333863607533)
    expectPosterior(
      rows,
      ["a", "b"],
      {
        relative: {
          expected: -0.046085934399202125,
          ci: [-0.10924911715508968, 0.01707724835668542],
        },
        absolute: {
          expected: -0.48262331838565015,
          ci: [-1.1716800231320539, 0.2064333863607533],
        },
        chanceToWin: 0.07635073909107078,
      },
      12,
    )
  })
})

describe("the posterior reproduces test_tests.py's TestEffectBayesianABTest", () => {
  /*
   * test_bayesian_effect_ab_test compares QuantileStatistics, which Slipstream does not have;
   * their effect's estimate and variance are recovered from its flat-prior results, and the
   * priors applied to them: the same arithmetic as gbstats' on the same moments. Control
   * quantile_hat_c = 7.157987489967789 is the scale of the absolute prior.
   */
  const base = 7.157987489967789
  // b_improper_flat (absolute, proper=False): expected and ci are the data's.
  const absoluteEstimate = 0.5365124375579775
  const absoluteSe = (0.6157689162044128 - 0.4572559589115422) / (2 * z975)
  // b_relative_flat: prior N(0, 1e6), proper. Undo it: 1/v = 1/sd² − 1e−6, m = mean·v/sd².
  const relativeSd = (0.08649588602990732 - 0.06341005842481906) / (2 * z975)
  const relativeVariance = 1 / (1 / relativeSd ** 2 - 1e-6)
  const relativeEstimate = (0.07495297222736319 * relativeVariance) / relativeSd ** 2

  it("b_flat: a nearly flat relative prior N(0, 1e6) rescaled to the absolute effect", () => {
    const prior = absolutePrior({ mean: 0, stddev: 1000 }, base)
    const posterior = gaussianPosterior(absoluteEstimate, absoluteSe ** 2, prior)
    // assertEqual(b_flat.expected, 0.536512437540855), b_flat.ci
    expect(posterior?.mean).toBeCloseTo(0.536512437540855, 12)
    const [lower, upper] = credibleInterval(posterior ?? { mean: 0, stddev: 0 }, 0.95)
    expect(lower).toBeCloseTo(0.4572559588956844, 12)
    expect(upper).toBeCloseTo(0.6157689161860256, 12)
  })

  it("b_informative: the relative prior N(0, 1) rescaled to the absolute effect", () => {
    const prior = absolutePrior({ mean: 0, stddev: 1 }, base)
    const posterior = gaussianPosterior(absoluteEstimate, absoluteSe ** 2, prior)
    // assertEqual(b_informative.expected, 0.536495315442269), b_informative.ci
    expect(posterior?.mean).toBeCloseTo(0.536495315442269, 12)
    const [lower, upper] = credibleInterval(posterior ?? { mean: 0, stddev: 0 }, 0.95)
    expect(lower).toBeCloseTo(0.4572401014910488, 12)
    expect(upper).toBeCloseTo(0.6157505293934892, 12)
  })

  it("b_relative_informative: the prior N(0, 1) on the relative effect as it is", () => {
    const posterior = gaussianPosterior(relativeEstimate, relativeVariance, {
      mean: 0,
      stddev: 1,
    })
    // assertEqual(b_relative_informative.expected, 0.07495037261804469), its ci
    expect(posterior?.mean).toBeCloseTo(0.07495037261804469, 12)
    const [lower, upper] = credibleInterval(posterior ?? { mean: 0, stddev: 0 }, 0.95)
    expect(lower).toBeCloseTo(0.06340765898986044, 12)
    expect(upper).toBeCloseTo(0.08649308624622894, 12)
  })

  it("the flat prior: the estimate and its normal interval, chance to win Φ(m/sd)", () => {
    const posterior = gaussianPosterior(absoluteEstimate, absoluteSe ** 2)
    expect(posterior).toEqual({ mean: absoluteEstimate, stddev: absoluteSe })
    const [lower, upper] = credibleInterval(posterior ?? { mean: 0, stddev: 0 }, 0.95)
    expect(lower).toBeCloseTo(0.4572559589115422, 12)
    expect(upper).toBeCloseTo(0.6157689162044128, 12)
    // scipy: norm.sf(0, 1, 2) = 0.6914624612740131
    expect(chanceOfPositive({ mean: 1, stddev: 2 })).toBeCloseTo(0.6914624612740131, 14)
  })

  it("has no posterior without a positive, finite variance", () => {
    expect(gaussianPosterior(1, 0)).toBeUndefined()
    expect(gaussianPosterior(1, Number.NaN, { mean: 0, stddev: 1 })).toBeUndefined()
    expect(gaussianPosterior(Number.POSITIVE_INFINITY, 1)).toBeUndefined()
  })
})

describe("bayesian_gaussian reproduces test_gbstats.py's TestAnalyzeMetricDfBayesian", () => {
  it("test_get_metric_dfs_new: SampleMeanStatistic, dimension one (published, 9 decimals)", () => {
    const { rows } = rowsOn(
      {},
      sumsOf([
        ["zero", { n: 100, sumY: 270, sumY2: 848.79 }],
        ["one", { n: 120, sumY: 300, sumY2: 869 }],
      ]),
    )
    // cr 2.7 and 2.5; expected = -0.074074074, chanceToWin = 0.071834168
    expect(rows[0]).toMatchObject({ branch: "zero" })
    expect(rows[0]?.point).toBeCloseTo(2.7, 12)
    expect(rows[1]?.point).toBeCloseTo(2.5, 12)
    expect(rowOf(rows, "one", "relative_uplift", "zero")?.point).toBeCloseTo(-0.074074074, 8)
    expect(rowOf(rows, "one", "chance_to_beat", "zero")?.point).toBeCloseTo(0.071834168, 8)
    // gbstats run: ci (-0.17336005810718605, 0.025211909959037757), 0.0718341677433742;
    // absolute -0.2, (-0.48016746522306397, 0.08016746522306356)
    expectPosterior(
      rows,
      ["one", "zero"],
      {
        relative: {
          expected: -0.07407407407407414,
          ci: [-0.17336005810718605, 0.025211909959037757],
        },
        absolute: { expected: -0.2, ci: [-0.48016746522306397, 0.08016746522306356] },
        chanceToWin: 0.0718341677433742,
      },
      12,
    )
  })

  it("test_get_metric_dfs_bayesian_ratio: RatioStatistic (published, 9 decimals)", () => {
    const ratio = (
      clients: number,
      [sumNumerator, sumNumeratorSquares]: readonly [number, number],
      [sumDenominator, sumDenominatorSquares]: readonly [number, number],
      sumProducts: number,
    ): BranchAggregates => ({
      clients,
      ratio: {
        kind: "sums",
        clients,
        sumNumerator,
        sumNumeratorSquares,
        sumDenominator,
        sumDenominatorSquares,
        sumProducts,
      },
    })
    const branches = new Map([
      ["zero", ratio(100, [270, 848.79], [510, 810], -900)],
      ["one", ratio(120, [300, 869], [500, 800], -905)],
    ])
    const flat = rowsOn({ numerator: "m", denominator: "d" }, branches)
    // cr = 0.529411765 and 0.6; expected = 0.133333333, chanceToWin = 0.694926359
    expect(flat.rows[0]?.point).toBeCloseTo(0.529411765, 8)
    expect(flat.rows[1]?.point).toBeCloseTo(0.6, 12)
    expect(rowOf(flat.rows, "one", "chance_to_beat", "zero")?.point).toBeCloseTo(0.694926359, 8)
    // gbstats run: relative (-0.3792130021436583, 0.6458796688103247), 0.6949263587913344;
    // absolute 0.07058823529411762, (-0.1844036613158449, 0.3255801319040801)
    expectPosterior(
      flat.rows,
      ["one", "zero"],
      {
        relative: {
          expected: 0.13333333333333328,
          ci: [-0.3792130021436583, 0.6458796688103247],
        },
        absolute: {
          expected: 0.07058823529411762,
          ci: [-0.1844036613158449, 0.3255801319040801],
        },
        chanceToWin: 0.6949263587913344,
      },
      12,
    )
    // gbstats run with GaussianPrior(0, 0.09, proper=True): relative 0.07576405503851973,
    // (-0.31059880295505016, 0.4621269130320896), 0.6496368811773118; absolute
    // 0.042242938381264424, (-0.15501626582064112, 0.23950214258316993)
    const informed = rowsOn({ numerator: "m", denominator: "d", prior_stddev: 0.3 }, branches)
    expectPosterior(
      informed.rows,
      ["one", "zero"],
      {
        relative: {
          expected: 0.07576405503851973,
          ci: [-0.31059880295505016, 0.4621269130320896],
        },
        absolute: {
          expected: 0.042242938381264424,
          ci: [-0.15501626582064112, 0.23950214258316993],
        },
        chanceToWin: 0.6496368811773118,
      },
      12,
    )
  })
})

describe("bayesian_gaussian with CUPED reproduces gbstats' RegressionAdjustedStatistic", () => {
  /*
   * test_gbstats.py's RA_STATISTICS_DF (test_analyze_metric_df_ra runs it frequentist:
   * expected = -0.281707154, the flat-prior posterior mean too, from the same moments).
   * gbstats run, Bayesian, θ pooled (create_theta_adjusted_statistics).
   */
  const branches = sumsOf([
    ["zero", { n: 3001, sumY: 300, sumY2: 600, sumX: 210, sumX2: 415, sumXY: -20 }],
    ["one", { n: 3000, sumY: 222, sumY2: 555, sumX: 120, sumX2: 405, sumXY: -10 }],
  ])
  const adjusted = { covariate_adjustment: { period: "preenrollment_week" } }

  it("flat prior", () => {
    const { rows, warnings } = rowsOn(adjusted, branches)
    // Branch rows keep the unadjusted means (gbstats' cr): 0.099966678 and 0.074.
    expect(rows[0]?.point).toBeCloseTo(0.099966678, 8)
    expect(rows[1]?.point).toBeCloseTo(0.074, 12)
    expect(rowOf(rows, "one", "relative_uplift", "zero")?.point).toBeCloseTo(-0.281707154, 8)
    expectPosterior(
      rows,
      ["one", "zero"],
      {
        relative: {
          expected: -0.2817071538457276,
          ci: [-0.4720292144013543, -0.09138509329010089],
        },
        absolute: {
          expected: -0.02816132827514771,
          ci: [-0.04986985588961823, -0.006452800660677188],
        },
        chanceToWin: 0.0018595083560620368,
      },
      12,
    )
    expect(warnings).toEqual([])
  })

  it("prior N(0.05, 0.1²), both ways", () => {
    const { rows } = rowsOn({ ...adjusted, prior_mean: 0.05, prior_stddev: 0.1 }, branches)
    expectPosterior(
      rows,
      ["one", "zero"],
      {
        relative: {
          expected: -0.12072471999122533,
          ci: [-0.2572647256764057, 0.01581528569395496],
        },
        absolute: {
          expected: -0.009887544105142409,
          ci: [-0.024432504642982945, 0.004657416432698127],
        },
        chanceToWin: 0.041552863671790875,
      },
      12,
    )
    expectPosterior(
      rows,
      ["zero", "one"],
      {
        relative: {
          expected: 0.1298433669640423,
          ci: [-0.040849038498948054, 0.30053577242703267],
        },
        absolute: {
          expected: 0.011249154543021679,
          ci: [-0.0008106288765914078, 0.023308937962634765],
        },
        chanceToWin: 0.9320084437778914,
      },
      12,
    )
  })
})

describe("bayesian_gaussian's properties", () => {
  const control = { n: 2000, sumY: 10_000, sumY2: 90_000 }
  const treatment = { n: 2100, sumY: 10_920, sumY2: 98_000 }
  const branches = sumsOf([
    ["control", control],
    ["treatment", treatment],
  ])
  const moments = ({ n, sumY, sumY2 }: LinearModelSums) => {
    const mean = sumY / n
    return { n, mean, variance: (sumY2 - n * mean * mean) / (n - 1) }
  }

  it("with a flat prior, the credible interval is the normal approximation's", () => {
    const f = moments(treatment)
    const r = moments(control)
    const { rows } = rowsOn({ confidence_interval: 0.9 }, branches)
    const z95 = normalQuantile(0.95, 0, 1)
    const difference = f.mean - r.mean
    const differenceSe = Math.sqrt(f.variance / f.n + r.variance / r.n)
    expect(rowOf(rows, "treatment", "difference", "control")).toMatchObject({
      point: expect.closeTo(difference, 12),
      lower: expect.closeTo(difference - z95 * differenceSe, 12),
      upper: expect.closeTo(difference + z95 * differenceSe, 12),
    })
    // The delta method's se of D/μ_r, branches independent.
    const relative = difference / r.mean
    const relativeSe = Math.sqrt(
      f.variance / (f.n * r.mean ** 2) + (r.variance * f.mean ** 2) / (r.n * r.mean ** 4),
    )
    expect(rowOf(rows, "treatment", "relative_uplift", "control")).toMatchObject({
      point: expect.closeTo(relative, 12),
      lower: expect.closeTo(relative - z95 * relativeSe, 12),
      upper: expect.closeTo(relative + z95 * relativeSe, 12),
    })
    // P(R > 0) = Φ(R/se_R)
    expect(rowOf(rows, "treatment", "chance_to_beat", "control")?.point).toBeCloseTo(
      1 - chanceOfPositive({ mean: -relative, stddev: relativeSe }),
      12,
    )
  })

  it("a strong prior at 0 shrinks the estimate towards 0 by τ²/(τ² + v)", () => {
    const pointOf = (written: object) =>
      rowOf(rowsOn(written, branches).rows, "treatment", "relative_uplift", "control")
    const flat = pointOf({})
    const flatPoint = flat?.point ?? Number.NaN
    const se = ((flat?.upper ?? 0) - (flat?.lower ?? 0)) / (2 * z975)
    let previous = flatPoint
    for (const stddev of [0.1, 0.01, 0.001]) {
      const shrunk = pointOf({ prior_stddev: stddev })?.point ?? Number.NaN
      expect(shrunk).toBeCloseTo((flatPoint * stddev ** 2) / (stddev ** 2 + se ** 2), 12)
      expect(Math.abs(shrunk)).toBeLessThan(Math.abs(previous))
      previous = shrunk
    }
    // And the difference with it, the prior rescaled by |μ_r|.
    const strong = rowsOn({ prior_stddev: 0.001 }, branches).rows
    const difference = rowOf(strong, "treatment", "difference", "control")?.point ?? Number.NaN
    expect(Math.abs(difference)).toBeLessThan(0.01)
  })

  it("gives chance_to_beat 0.5, and effects 0, for identical branches", () => {
    const same = sumsOf([
      ["a", control],
      ["b", control],
    ])
    for (const written of [{}, { prior_stddev: 0.05 }]) {
      const { rows } = rowsOn(written, same)
      expect(rowOf(rows, "b", "chance_to_beat", "a")?.point).toBe(0.5)
      expect(rowOf(rows, "a", "chance_to_beat", "b")?.point).toBe(0.5)
      expect(rowOf(rows, "b", "relative_uplift", "a")?.point).toBe(0)
      expect(rowOf(rows, "b", "difference", "a")?.point).toBe(0)
    }
  })

  it("compares every ordered pair of three branches, in t_test's order", () => {
    const { rows } = rowsOn(
      {},
      sumsOf([
        ["control", control],
        ["treatment", treatment],
        ["other", { n: 1900, sumY: 9_600, sumY2: 85_000 }],
      ]),
    )
    const pairs = rows
      .filter((row) => row.comparison !== undefined)
      .map((row) => `${row.branch}/${row.comparisonToBranch}/${row.comparison}`)
    const rowsFor = (focus: string, reference: string) =>
      ["difference", "relative_uplift", "chance_to_beat"].map(
        (comparison) => `${focus}/${reference}/${comparison}`,
      )
    expect(pairs).toEqual([
      ...rowsFor("treatment", "control"),
      ...rowsFor("other", "control"),
      ...rowsFor("control", "treatment"),
      ...rowsFor("other", "treatment"),
      ...rowsFor("control", "other"),
      ...rowsFor("treatment", "other"),
    ])
    const chance = (focus: string, reference: string) =>
      rowOf(rows, focus, "chance_to_beat", reference)?.point ?? Number.NaN
    expect(chance("treatment", "control")).toBeGreaterThan(0.5)
    expect(chance("control", "treatment")).toBeLessThan(0.5)
  })

  it("gives each branch t_test's interval for its mean", () => {
    const { rows } = rowsOn({}, branches)
    const expected = computeSummaryOnAggregates(statisticOf("t_test"), branches, {
      seed: 1,
      stream: "m",
    }).rows.filter((row) => row.comparison === undefined)
    expect(rows.filter((row) => row.comparison === undefined)).toEqual(expected)
  })

  it("says what it cannot compute: a zero reference mean, no variance", () => {
    const zero = { n: 10, sumY: 0, sumY2: 4 }
    const constant = { n: 5, sumY: 10, sumY2: 20 }
    const flat = rowsOn(
      {},
      sumsOf([
        ["zero", zero],
        ["constant", constant],
        ["also-constant", constant],
      ]),
    )
    // Over the zero reference: the difference only (flat prior).
    expect(
      flat.rows
        .filter((row) => row.comparisonToBranch === "zero")
        .map((row) => `${row.branch}/${row.comparison}`),
    ).toEqual(["constant/difference", "also-constant/difference"])
    expect(flat.warnings).toEqual([
      "relative uplift and chance to beat of constant over zero not computed: the reference mean is 0",
      "relative uplift and chance to beat of also-constant over zero not computed: the reference mean is 0",
      "difference, relative uplift and chance to beat of also-constant over constant not computed: no variance to form a posterior from (a branch below 2 clients, or no variation)",
      "difference, relative uplift and chance to beat of constant over also-constant not computed: no variance to form a posterior from (a branch below 2 clients, or no variation)",
    ])
    const informed = rowsOn(
      { prior_stddev: 0.1 },
      sumsOf([
        ["zero", zero],
        ["constant", constant],
      ]),
    )
    expect(informed.rows.filter((row) => row.comparisonToBranch === "zero")).toEqual([])
    expect(informed.warnings[0]).toBe(
      "difference, relative uplift and chance to beat of constant over zero not computed: the reference mean is 0, which gives the prior on the relative uplift no absolute scale",
    )
  })

  it("keeps a branch of one client's mean, without comparisons, and says so", () => {
    const { rows, warnings } = rowsOn(
      {},
      new Map([
        ["control", { clients: control.n, sums: control }],
        ["single", { clients: 1, sums: { n: 1, sumY: 3, sumY2: 9 } }],
      ]),
    )
    expect(rows.filter((row) => row.branch === "single")).toEqual([{ branch: "single", point: 3 }])
    expect(rows.filter((row) => row.comparison !== undefined)).toEqual([])
    expect(warnings.some((warning) => warning.includes("branch single has 1 client"))).toBe(true)
  })

  it("refuses a confidence outside (0, 1) in the kernel", () => {
    const warnings: string[] = []
    const output = bayesianGaussian(
      meanComparisons(new Map([["control", control]]), false, warnings),
      { confidence: 1 },
      warnings,
    )
    expect(output.rows).toEqual([])
  })
})

describe("the bayesian_gaussian statistic", () => {
  it("defaults to a flat prior, no winsorizing and 95% intervals, and asks for the sums", () => {
    const statistic = statisticOf("bayesian_gaussian")
    expect(statistic.parameters).toEqual({ drop_highest: 0, confidence_interval: 0.95 })
    expect(aggregateRequestOf(statistic)).toEqual({ kind: "sums", winsorizeAt: 1 })
    const covariate_adjustment = { period: "preenrollment_days28" }
    expect(aggregateRequestOf(statisticOf("bayesian_gaussian", { covariate_adjustment }))).toEqual({
      kind: "sums",
      winsorizeAt: 1,
      covariate: covariate_adjustment,
    })
    const ratio = { numerator: "n", denominator: "d", drop_highest: 0.01 }
    expect(aggregateRequestOf(statisticOf("bayesian_gaussian", ratio))).toEqual({
      kind: "ratio_sums",
      numerator: "n",
      denominator: "d",
      winsorizeAt: 0.99,
    })
  })

  it("refuses parameters that do not go together or make no prior", () => {
    expect(() => statisticOf("bayesian_gaussian", { prior_mean: 0.1 })).toThrow(/prior_stddev/)
    expect(() => statisticOf("bayesian_gaussian", { prior_stddev: 0 })).toThrow(/positive/)
    expect(() => statisticOf("bayesian_gaussian", { prior_stddev: -1 })).toThrow(/positive/)
    expect(() =>
      statisticOf("bayesian_gaussian", { prior_stddev: Number.POSITIVE_INFINITY }),
    ).toThrow(/positive/)
    expect(() => statisticOf("bayesian_gaussian", { prior_stddev: "0.3" })).toThrow(/number/)
    expect(() => statisticOf("bayesian_gaussian", { relative: true })).toThrow(/relative/)
    expect(() => statisticOf("bayesian_gaussian", { numerator: "n" })).toThrow(/together/)
    expect(() =>
      statisticOf("bayesian_gaussian", {
        numerator: "n",
        denominator: "d",
        covariate_adjustment: { period: "preenrollment_week" },
      }),
    ).toThrow(/does not apply to a ratio/)
    expect(
      statisticOf("bayesian_gaussian", { prior_mean: -0.2, prior_stddev: 0.3 }).parameters,
    ).toEqual({ drop_highest: 0, confidence_interval: 0.95, prior_mean: -0.2, prior_stddev: 0.3 })
  })

  it("publishes chance_to_beat rows without bounds or ci_width, valid for Experimenter", () => {
    const { rows } = rowsOn(
      { prior_stddev: 0.3 },
      sumsOf([
        ["control", { n: 2000, sumY: 10_000, sumY2: 90_000 }],
        ["treatment", { n: 2100, sumY: 10_920, sumY2: 98_000 }],
      ]),
    )
    const published = toStatisticResults(rows, {
      metric: "m",
      statistic: "bayesian_gaussian",
      segment: "all",
      analysisBasis: "enrollments",
      windowIndex: 1,
      confidence: 0.95,
    })
    expect(published).toHaveLength(8)
    const chances = published.filter((row) => row.comparison === "chance_to_beat")
    expect(chances).toHaveLength(2)
    for (const row of chances) {
      expect(row).toMatchObject({ ci_width: null, lower: null, upper: null })
      expect(row.point).toBeGreaterThan(0)
      expect(row.point).toBeLessThan(1)
    }
    // The statistics file leaves out what the schema types as a number and the row lacks.
    const file = publishedStatistics(published).rows
    expect(file.filter((row) => row.comparison === "chance_to_beat")).toHaveLength(2)
    const validate = validatorFor("Statistics_v1.0.json")
    expect(validate(file), JSON.stringify(validate.errors)).toBe(true)
  })
})

describe("the per-client and push-down paths of bayesian_gaussian", () => {
  const random = seededRandom(31)
  const branchData = (shift: number) => {
    const values = Float64Array.from({ length: 2000 }, () =>
      Math.max(0, Math.round(6 + shift + 3 * standardNormal(random))),
    )
    const covariate = values.map((value) => Math.max(0, value + Math.round(standardNormal(random))))
    return { values, covariate, numerator: values.map((value) => value % 4), denominator: values }
  }
  const clients = new Map([
    ["control", branchData(0)],
    ["treatment", branchData(0.5)],
    ["other", branchData(-0.3)],
  ])
  const aggregates = new Map(
    [...clients].map(([branch, data]): [string, BranchAggregates] => [
      branch,
      {
        clients: data.values.length,
        sums: linearModelSumsOf(data.values, data.covariate),
        ratio: ratioDataOf(data.numerator, data.denominator) satisfies RatioData,
      },
    ]),
  )

  it.each([
    ["flat", {}],
    ["a prior, 90%", { prior_mean: 0.02, prior_stddev: 0.05, confidence_interval: 0.9 }],
    ["CUPED", { prior_stddev: 0.1, covariate_adjustment: { period: "preenrollment_week" } }],
    ["a ratio", { numerator: "n", denominator: "d", prior_stddev: 0.2 }],
  ])("agree with %s", (_name, written) => {
    const statistic = statisticOf("bayesian_gaussian", written)
    const options = { seed: 5, stream: "m", analysisPeriodLength: 7 }
    const fromClients = computeSummaryOnClients(statistic, [], clients, options)
    const fromAggregates = computeSummaryOnAggregates(statistic, aggregates, options)
    expect(fromAggregates.rows).toHaveLength(3 + 6 * 3)
    expect(fromAggregates).toEqual(fromClients)
  })
})
