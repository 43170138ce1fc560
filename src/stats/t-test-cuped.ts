import type { LinearModelSums } from "./linear-model.js"
import type { ComparisonParts } from "./t-test.js"

/** A branch's sums with the covariate's: Σx, Σx², Σxy besides n, Σy, Σy². */
export type CovariateSums = Required<LinearModelSums>

export const hasCovariateSums = (sums: LinearModelSums): sums is CovariateSums =>
  sums.sumX !== undefined && sums.sumX2 !== undefined && sums.sumXY !== undefined

/**
 * A constant covariate leaves Σx² − (Σx)²/N at a few ulps of Σx² rather than 0: below this
 * fraction of Σx² (or of Σy² for the metric) the variance is taken as 0, as in linear-model.ts.
 */
const degenerateFraction = 1e-9

/** (Σab − Σa·Σb/n) / (n − 1): the sample covariance from sums. */
const sampleCovariance = (n: number, sumA: number, sumB: number, sumAB: number): number =>
  (sumAB - (sumA * sumB) / n) / (n - 1)

/**
 * θ = cov(y, x) / var(x) over the clients of both branches together, their sums added (so
 * not centred per branch), as gbstats' compute_theta (growthbook/growthbook,
 * packages/stats/gbstats/models/statistics.py). `undefined` when x or y does not vary over
 * the pair: gbstats then reverts to the unadjusted test.
 */
export const pooledTheta = (a: CovariateSums, b: CovariateSums): number | undefined => {
  const n = a.n + b.n
  const sumX = a.sumX + b.sumX
  const sumY = a.sumY + b.sumY
  const sumX2 = a.sumX2 + b.sumX2
  const sumY2 = a.sumY2 + b.sumY2
  const squaresX = sumX2 - (sumX * sumX) / n
  const squaresY = sumY2 - (sumY * sumY) / n
  if (!(squaresX > degenerateFraction * sumX2 && squaresY > degenerateFraction * sumY2)) {
    return undefined
  }
  return (a.sumXY + b.sumXY - (sumX * sumY) / n) / squaresX
}

/** A branch's unadjusted moments and its CUPED-adjusted mean and variance. */
const adjustedMoments = (sums: CovariateSums, theta: number) => {
  const { n } = sums
  const meanY = sums.sumY / n
  const meanX = sums.sumX / n
  const varianceY = sampleCovariance(n, sums.sumY, sums.sumY, sums.sumY2)
  const varianceX = sampleCovariance(n, sums.sumX, sums.sumX, sums.sumX2)
  const covariance = sampleCovariance(n, sums.sumY, sums.sumX, sums.sumXY)
  return {
    n,
    meanY,
    varianceY,
    varianceX,
    covariance,
    adjusted: {
      n,
      mean: meanY - theta * meanX,
      // Rounding can make it slightly negative for a metric the covariate predicts exactly.
      variance: Math.max(0, varianceY + theta * theta * varianceX - 2 * theta * covariance),
    },
  }
}

/**
 * The parts of a CUPED comparison with slope θ, as gbstats' RegressionAdjustedStatistic and
 * frequentist_variance_relative_cuped (packages/stats/gbstats/models/statistics.py,
 * models/tests.py):
 *
 * - per branch, the adjusted mean ȳ − θ·x̄ and variance s_y² + θ²·s_x² − 2θ·s_xy, which the
 *   difference and its Welch test take in place of the mean's;
 * - relative R = D / |ȳ_r| (the reference's unadjusted mean), with the delta method's
 *   se² = v_f/(n_f·ȳ_r²) + (s_yr²·ȳ_f²/ȳ_r² − 2θ·s_xyr·ȳ_f/ȳ_r + θ²·s_xr²) / (n_r·ȳ_r²),
 *   v_f the focus's adjusted variance and ȳ_f its unadjusted mean.
 */
export const cupedParts = (
  focus: CovariateSums,
  reference: CovariateSums,
  theta: number,
): ComparisonParts => {
  const f = adjustedMoments(focus, theta)
  const r = adjustedMoments(reference, theta)
  const base = r.meanY
  const ratio = f.meanY / base
  return {
    focus: f.adjusted,
    reference: r.adjusted,
    base,
    relativeVariance:
      f.adjusted.variance / (f.n * base * base) +
      (r.varianceY * ratio * ratio -
        2 * theta * r.covariance * ratio +
        theta * theta * r.varianceX) /
        (r.n * base * base),
  }
}
