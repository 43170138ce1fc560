import { type Comparison, type EstimateRow, orderedPairs } from "./estimate.js"
import type { LinearModelSums } from "./linear-model.js"
import type { StatisticOutput } from "./sample-summary.js"
import { sequentialBoundary, sequentialHalfWidth, sequentialP } from "./sequential.js"
import { criticalT, twoSidedP } from "./student-t.js"
import { type CovariateSums, cupedParts, hasCovariateSums, pooledTheta } from "./t-test-cuped.js"

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

/** An estimate with its standard error, interval and two-sided p-value of "it is 0". */
export interface TEstimate {
  readonly point: number
  readonly standardError: number
  /** Welch–Satterthwaite ν of the difference (the sequential boundary does not use it). */
  readonly degreesOfFreedom: number
  readonly lower: number
  readonly upper: number
  readonly pValue: number
}

/** The always-valid test (sequential.ts), tightest near `tuning` clients of the pair. */
export interface Sequential {
  readonly tuning: number
}

/** A comparison's level, and `sequential` for always-valid rather than fixed-horizon inference. */
export interface TestOptions {
  readonly confidence: number
  readonly sequential?: Sequential
}

const estimateOf = (
  point: number,
  standardError: number,
  degreesOfFreedom: number,
  clients: number,
  confidence: number,
  sequential: Sequential | undefined,
): TEstimate => {
  if (sequential === undefined) {
    const halfWidth = criticalT(confidence, degreesOfFreedom) * standardError
    return {
      point,
      standardError,
      degreesOfFreedom,
      lower: point - halfWidth,
      upper: point + halfWidth,
      pValue: twoSidedP(point, standardError, degreesOfFreedom),
    }
  }
  const boundary = sequentialBoundary(confidence, sequential.tuning)
  const halfWidth = sequentialHalfWidth(boundary, standardError, clients)
  return {
    point,
    standardError,
    degreesOfFreedom,
    lower: point - halfWidth,
    upper: point + halfWidth,
    pValue: sequentialP(boundary, point, standardError, clients),
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
 * What a comparison's test needs: each branch's n, mean and variance (for the difference and
 * its Welch test; adjusted by CUPED when the test is), the reference's mean that the relative
 * uplift divides by, and the relative uplift's variance.
 */
export interface ComparisonParts {
  readonly focus: SampleMoments
  readonly reference: SampleMoments
  /** The reference's unadjusted mean: the relative uplift is D / |base|. */
  readonly base: number
  /** se² of the relative uplift, by the delta method. */
  readonly relativeVariance: number
}

/**
 * The parts of an unadjusted comparison. The relative uplift's se² is the delta method's with
 * the branches independent (gbstats' variance_of_ratios(μ_f, s_f²/n_f, μ_r, s_r²/n_r, 0)):
 * s_f²/(n_f·μ_r²) + s_r²·μ_f²/(n_r·μ_r⁴).
 */
export const welchParts = (focus: SampleMoments, reference: SampleMoments): ComparisonParts => {
  const base = reference.mean
  return {
    focus,
    reference,
    base,
    relativeVariance:
      focus.variance / (focus.n * base * base) +
      (reference.variance * focus.mean * focus.mean) / (reference.n * base ** 4),
  }
}

/**
 * The two-sided tests of a comparison, as gbstats' TwoSidedTTest (growthbook/growthbook,
 * packages/stats/gbstats/frequentist/tests.py, models/tests.py, utils.py):
 *
 * - difference D = μ_f − μ_r, se² = s_f²/n_f + s_r²/n_r;
 * - relative R = D / |base|, se² = `relativeVariance`; absent when base = 0;
 * - both on the Welch–Satterthwaite degrees of freedom of the difference (gbstats uses them
 *   for the relative test too): interval ± t_{(1+c)/2, ν}·se, p = 2·F_ν(−|estimate/se|);
 *   or, with `sequential`, the always-valid interval and p-value of gbstats'
 *   SequentialTwoSidedTTest (sequential.ts) on the same estimate and se, over the
 *   n_f + n_r clients of the pair.
 *
 * Dividing by |base| (gbstats) keeps the relative uplift's sign that of D when the reference
 * mean is negative. Needs 2 clients per branch and se > 0; `undefined` otherwise.
 */
export const testedComparison = (
  parts: ComparisonParts,
  confidence: number,
  sequential?: Sequential,
): { readonly difference?: TEstimate; readonly relative?: TEstimate } => {
  const { focus, reference, base } = parts
  const degreesOfFreedom = welchDegreesOfFreedom(focus, reference)
  const inferable = (standardError: number) =>
    standardError > 0 && Number.isFinite(standardError) && degreesOfFreedom > 0
  const difference = focus.mean - reference.mean
  const differenceSe = Math.sqrt(focus.variance / focus.n + reference.variance / reference.n)
  const relativeSe = Math.sqrt(parts.relativeVariance)
  const clients = focus.n + reference.n
  return {
    ...(inferable(differenceSe)
      ? {
          difference: estimateOf(
            difference,
            differenceSe,
            degreesOfFreedom,
            clients,
            confidence,
            sequential,
          ),
        }
      : {}),
    ...(base !== 0 && inferable(relativeSe)
      ? {
          relative: estimateOf(
            difference / Math.abs(base),
            relativeSe,
            degreesOfFreedom,
            clients,
            confidence,
            sequential,
          ),
        }
      : {}),
  }
}

/** Welch's two-sample t-test of focus against reference, unadjusted: `testedComparison`. */
export const welchComparison = (
  focus: SampleMoments,
  reference: SampleMoments,
  confidence: number,
  sequential?: Sequential,
): { readonly difference?: TEstimate; readonly relative?: TEstimate } =>
  testedComparison(welchParts(focus, reference), confidence, sequential)

/** Why nothing is estimated at `confidence`, if it is not in (0, 1). */
export const invalidConfidence = (confidence: number): StatisticOutput | undefined =>
  confidence > 0 && confidence < 1
    ? undefined
    : { rows: [], warnings: [`confidence ${confidence} is not in (0, 1): nothing estimated`] }

/**
 * The rows of a t_test: per branch, its mean with the one-sample t interval
 * μ ± t_{(1+c)/2, n−1}·s/√n; per ordered pair (every branch the reference of every other, in
 * branch order), the `difference` and `relative_uplift` of `testedComparison` on the parts
 * `partsOf` gives, each with its p-value (always valid with `options.sequential`; the branch
 * rows stay fixed-horizon). What cannot be estimated is said in `warnings`.
 */
export const tTestRows = (
  moments: ReadonlyMap<string, SampleMoments>,
  partsOf: (focus: string, reference: string) => ComparisonParts | undefined,
  options: TestOptions,
  warnings: string[],
): ReadonlyArray<EstimateRow> => {
  const { confidence, sequential } = options
  const rows: EstimateRow[] = []
  for (const [branch, { n, mean, variance }] of moments) {
    if (n < 2) {
      rows.push({ branch, point: mean })
      continue
    }
    const halfWidth = criticalT(confidence, n - 1) * Math.sqrt(variance / n)
    rows.push({ branch, point: mean, lower: mean - halfWidth, upper: mean + halfWidth })
  }

  for (const [focusBranch, referenceBranch] of orderedPairs([...moments.keys()])) {
    const parts = partsOf(focusBranch, referenceBranch)
    if (parts === undefined) continue
    const { focus, reference, base } = parts
    const pair = { branch: focusBranch, comparisonToBranch: referenceBranch }
    const small = focus.n < 2 || reference.n < 2
    const { difference, relative } = small ? {} : testedComparison(parts, confidence, sequential)
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
    if (base === 0) {
      warnings.push(
        `relative uplift of ${focusBranch} over ${referenceBranch} not computed: the reference mean is 0`,
      )
      continue
    }
    row("relative_uplift", differencePoint / Math.abs(base), relative)
  }
  return rows
}

/**
 * What a test on moments compares: each usable branch's n, mean and variance, and the parts
 * of the comparison of any two (`ComparisonParts`). t_test and bayesian_gaussian share it.
 */
export interface BranchComparisons {
  readonly moments: ReadonlyMap<string, SampleMoments>
  readonly partsOf: (focus: string, reference: string) => ComparisonParts | undefined
}

/** The warning for a branch whose sums hold NaN or ∞. */
export const notFiniteWarning = (branch: string) =>
  `branch ${branch}: its sums are not finite (NaN or ∞ in the data): left out`

/**
 * The comparisons of a mean from each branch's n, Σy, Σy² (and Σx, Σx², Σxy when
 * `adjusted`: CUPED with θ pooled over each pair, t-test-cuped.ts). A branch without clients
 * or with sums that are not finite is left out; when `adjusted`, a branch without covariate
 * sums makes every comparison unadjusted, and a pair over which the covariate or the metric
 * does not vary is compared unadjusted (as gbstats). Each is said in `warnings`.
 */
export const meanComparisons = (
  sumsByBranch: ReadonlyMap<string, LinearModelSums>,
  adjusted: boolean,
  warnings: string[],
): BranchComparisons => {
  const kept = new Map<string, LinearModelSums>()
  for (const [branch, sums] of sumsByBranch) {
    const all = [sums.n, sums.sumY, sums.sumY2, sums.sumX ?? 0, sums.sumX2 ?? 0, sums.sumXY ?? 0]
    if (!all.every(Number.isFinite)) warnings.push(notFiniteWarning(branch))
    else if (sums.n < 1) warnings.push(`branch ${branch} has no clients: left out`)
    else kept.set(branch, sums)
  }
  const moments = new Map([...kept].map(([branch, sums]) => [branch, sampleMomentsOf(sums)]))
  const covariates = new Map<string, CovariateSums>()
  if (adjusted) {
    for (const [branch, sums] of kept) if (hasCovariateSums(sums)) covariates.set(branch, sums)
    const missing = [...kept.keys()].filter((branch) => !covariates.has(branch))
    if (missing.length > 0) {
      warnings.push(
        `covariate sums missing for ${missing.join(", ")}: covariate dropped, unadjusted comparisons`,
      )
      covariates.clear()
    }
  }
  const partsOf = (focusBranch: string, referenceBranch: string): ComparisonParts | undefined => {
    const focus = moments.get(focusBranch)
    const reference = moments.get(referenceBranch)
    if (focus === undefined || reference === undefined) return undefined
    const focusSums = covariates.get(focusBranch)
    const referenceSums = covariates.get(referenceBranch)
    if (focusSums === undefined || referenceSums === undefined) return welchParts(focus, reference)
    const theta = pooledTheta(focusSums, referenceSums)
    if (theta === undefined) {
      warnings.push(
        `${focusBranch} over ${referenceBranch}: the covariate or the metric does not vary: unadjusted comparison`,
      )
      return welchParts(focus, reference)
    }
    return cupedParts(focusSums, referenceSums, theta)
  }
  return { moments, partsOf }
}

/**
 * The t_test statistic from each branch's n, Σy, Σy² (and Σx, Σx², Σxy when `adjusted`):
 *
 * - per branch, its mean with the one-sample t interval μ ± t_{(1+c)/2, n−1}·s/√n (the
 *   unadjusted mean, as gbstats reports a variation's);
 * - per ordered pair (every branch the reference of every other, rows in branch order), the
 *   `difference` and `relative_uplift` of `testedComparison`, each with its p-value; when
 *   `adjusted`, CUPED with θ pooled over the two branches of the pair (t-test-cuped.ts);
 *   with `sequential`, always-valid intervals and p-values (the branch rows stay as above).
 *
 * A branch without clients or with sums that are not finite is left out; a zero reference
 * mean has no relative uplift; a comparison with no variance in either branch (se = 0) keeps
 * its point without interval or p-value, as gbstats refuses it. When `adjusted`, a branch
 * without covariate sums makes the whole test unadjusted, and a pair over which the
 * covariate or the metric does not vary is compared unadjusted (as gbstats). Each is said in
 * `warnings`. Below 2 clients a branch's rows and its comparisons have points only (the
 * catalogue's spread rule says so in a warning).
 */
export const tTest = (
  sumsByBranch: ReadonlyMap<string, LinearModelSums>,
  parameters: TestOptions & { readonly adjusted?: boolean },
): StatisticOutput => {
  const invalid = invalidConfidence(parameters.confidence)
  if (invalid !== undefined) return invalid
  const warnings: string[] = []
  const { moments, partsOf } = meanComparisons(sumsByBranch, parameters.adjusted === true, warnings)
  return { rows: tTestRows(moments, partsOf, parameters, warnings), warnings }
}
