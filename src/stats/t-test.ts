import tCdf from "@stdlib/stats-base-dists-t-cdf"
import tQuantile from "@stdlib/stats-base-dists-t-quantile"
import { type Comparison, type EstimateRow, intervalQuantiles, orderedPairs } from "./estimate.js"
import type { LinearModelSums } from "./linear-model.js"
import type { StatisticOutput } from "./sample-summary.js"

/** One branch's n, mean and sample variance (divisor n − 1; NaN below 2 clients). */
export interface SampleMoments {
  readonly n: number
  readonly mean: number
  readonly variance: number
}

/**
 * The moments of a branch's sums, as gbstats' SampleMeanStatistic computes them:
 * s² = (Σy² − (Σy)²/n) / (n − 1). Rounding can make the numerator slightly negative for a
 * constant metric; it is then 0.
 */
export const sampleMomentsOf = (
  sums: Pick<LinearModelSums, "n" | "sumY" | "sumY2">,
): SampleMoments => ({
  n: sums.n,
  mean: sums.sumY / sums.n,
  variance:
    sums.n > 1
      ? Math.max(0, sums.sumY2 - (sums.sumY * sums.sumY) / sums.n) / (sums.n - 1)
      : Number.NaN,
})

/** An estimate with its standard error, t interval and two-sided p-value of "it is 0". */
export interface TEstimate {
  readonly point: number
  readonly standardError: number
  readonly degreesOfFreedom: number
  readonly lower: number
  readonly upper: number
  readonly pValue: number
}

const tEstimate = (
  point: number,
  standardError: number,
  degreesOfFreedom: number,
  confidence: number,
): TEstimate => {
  const halfWidth = tQuantile(intervalQuantiles(confidence)[1], degreesOfFreedom) * standardError
  return {
    point,
    standardError,
    degreesOfFreedom,
    lower: point - halfWidth,
    upper: point + halfWidth,
    // 2·F(−|t|) rather than gbstats' 2·(1 − F(|t|)): the same value, without losing small
    // p-values to the subtraction.
    pValue: 2 * tCdf(-Math.abs(point / standardError), degreesOfFreedom),
  }
}

/**
 * Welch–Satterthwaite degrees of freedom of a difference of two means:
 * (v_f + v_r)² / (v_f²/(n_f − 1) + v_r²/(n_r − 1)) with v = s²/n.
 */
export const welchDegreesOfFreedom = (focus: SampleMoments, reference: SampleMoments): number => {
  const f = focus.variance / focus.n
  const r = reference.variance / reference.n
  return (f + r) ** 2 / ((f * f) / (focus.n - 1) + (r * r) / (reference.n - 1))
}

/**
 * Welch's two-sample t-test of focus against reference, as gbstats' TwoSidedTTest
 * (growthbook/growthbook, packages/stats/gbstats/frequentist/tests.py, models/tests.py,
 * utils.py):
 *
 * - difference D = μ_f − μ_r, se² = s_f²/n_f + s_r²/n_r;
 * - relative R = D / |μ_r|, se² by the delta method with the branches independent
 *   (gbstats' variance_of_ratios(μ_f, s_f²/n_f, μ_r, s_r²/n_r, 0)):
 *   se_R² = s_f²/(n_f·μ_r²) + s_r²·μ_f²/(n_r·μ_r⁴); absent when μ_r = 0;
 * - both on the Welch–Satterthwaite degrees of freedom of the difference (gbstats uses them
 *   for the relative test too): interval ± t_{(1+c)/2, ν}·se, p = 2·F_ν(−|estimate/se|).
 *
 * Dividing by |μ_r| (gbstats) keeps the relative uplift's sign that of D when the reference
 * mean is negative. Needs 2 clients per branch and se > 0; `undefined` otherwise.
 */
export const welchComparison = (
  focus: SampleMoments,
  reference: SampleMoments,
  confidence: number,
): { readonly difference?: TEstimate; readonly relative?: TEstimate } => {
  const degreesOfFreedom = welchDegreesOfFreedom(focus, reference)
  const inferable = (standardError: number) =>
    standardError > 0 && Number.isFinite(standardError) && degreesOfFreedom > 0
  const difference = focus.mean - reference.mean
  const differenceSe = Math.sqrt(focus.variance / focus.n + reference.variance / reference.n)
  const base = reference.mean
  const relativeSe = Math.sqrt(
    focus.variance / (focus.n * base * base) +
      (reference.variance * focus.mean * focus.mean) / (reference.n * base ** 4),
  )
  return {
    ...(inferable(differenceSe)
      ? { difference: tEstimate(difference, differenceSe, degreesOfFreedom, confidence) }
      : {}),
    ...(base !== 0 && inferable(relativeSe)
      ? {
          relative: tEstimate(
            difference / Math.abs(base),
            relativeSe,
            degreesOfFreedom,
            confidence,
          ),
        }
      : {}),
  }
}

/**
 * The t_test statistic from each branch's n, Σy, Σy²:
 *
 * - per branch, its mean with the one-sample t interval μ ± t_{(1+c)/2, n−1}·s/√n;
 * - per ordered pair (every branch the reference of every other, rows in branch order), the
 *   `difference` and `relative_uplift` of `welchComparison`, each with its p-value.
 *
 * A branch without clients or with sums that are not finite is left out; a zero reference
 * mean has no relative uplift; a comparison with no variance in either branch (se = 0) keeps
 * its point without interval or p-value, as gbstats refuses it. Each is said in `warnings`.
 * Below 2 clients a branch's rows and its comparisons have points only (the catalogue's
 * spread rule says so in a warning).
 */
export const tTest = (
  sumsByBranch: ReadonlyMap<string, LinearModelSums>,
  parameters: { readonly confidence: number },
): StatisticOutput => {
  const { confidence } = parameters
  if (!(confidence > 0 && confidence < 1)) {
    return { rows: [], warnings: [`confidence ${confidence} is not in (0, 1): nothing estimated`] }
  }
  const warnings: string[] = []
  const moments = new Map<string, SampleMoments>()
  for (const [branch, sums] of sumsByBranch) {
    if (![sums.n, sums.sumY, sums.sumY2].every(Number.isFinite)) {
      warnings.push(`branch ${branch}: its sums are not finite (NaN or ∞ in the data): left out`)
    } else if (sums.n < 1) {
      warnings.push(`branch ${branch} has no clients: left out`)
    } else {
      moments.set(branch, sampleMomentsOf(sums))
    }
  }

  const rows: EstimateRow[] = []
  for (const [branch, { n, mean, variance }] of moments) {
    if (n < 2) {
      rows.push({ branch, point: mean })
      continue
    }
    const halfWidth = tQuantile(intervalQuantiles(confidence)[1], n - 1) * Math.sqrt(variance / n)
    rows.push({ branch, point: mean, lower: mean - halfWidth, upper: mean + halfWidth })
  }

  for (const [focusBranch, referenceBranch] of orderedPairs([...moments.keys()])) {
    const focus = moments.get(focusBranch)
    const reference = moments.get(referenceBranch)
    if (focus === undefined || reference === undefined) continue
    const pair = { branch: focusBranch, comparisonToBranch: referenceBranch }
    const small = focus.n < 2 || reference.n < 2
    const { difference, relative } = small ? {} : welchComparison(focus, reference, confidence)
    const row = (comparison: Comparison, point: number, estimate: TEstimate | undefined) => {
      if (estimate === undefined && !small) {
        warnings.push(
          `${comparison} of ${focusBranch} over ${referenceBranch}: no variation to test (standard error 0): no interval or p-value`,
        )
      }
      rows.push(
        estimate === undefined
          ? { ...pair, comparison, point }
          : {
              ...pair,
              comparison,
              point: estimate.point,
              lower: estimate.lower,
              upper: estimate.upper,
              pValue: estimate.pValue,
            },
      )
    }
    const differencePoint = focus.mean - reference.mean
    row("difference", differencePoint, difference)
    if (reference.mean === 0) {
      warnings.push(
        `relative uplift of ${focusBranch} over ${referenceBranch} not computed: the reference mean is 0`,
      )
      continue
    }
    row("relative_uplift", differencePoint / Math.abs(reference.mean), relative)
  }
  return { rows, warnings }
}
