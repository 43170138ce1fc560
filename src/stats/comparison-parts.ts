import type { LinearModelSums } from "./linear-model.js"
import type { RatioData } from "./population-ratio.js"
import { type ComparisonParts, type SampleMoments, sampleMomentsOf, welchParts } from "./t-test.js"
import { type CovariateSums, cupedParts, hasCovariateSums, pooledTheta } from "./t-test-cuped.js"
import { ratioMomentsOf, ratioSumsOf } from "./t-test-ratio.js"

/**
 * What a statistic on moments compares: each usable branch's n, mean and variance, and the
 * parts of the comparison of any two (t-test.ts's `ComparisonParts`: the means and variances
 * the difference takes, the reference mean the relative uplift divides by, the relative
 * uplift's variance). The same rules as t_test's, for statistics other than t_test.
 */
export interface BranchComparisons {
  readonly moments: ReadonlyMap<string, SampleMoments>
  readonly partsOf: (focus: string, reference: string) => ComparisonParts | undefined
}

const notFinite = (branch: string) =>
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
    if (!all.every(Number.isFinite)) warnings.push(notFinite(branch))
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
 * The comparisons of a ratio metric: each branch's Σm/Σd with its delta-method variance
 * (t-test-ratio.ts's `ratioMomentsOf`), branches independent. A branch without clients, with
 * sums that are not finite or whose denominators sum to 0 is left out, with a warning.
 */
export const ratioComparisons = (
  ratiosByBranch: ReadonlyMap<string, RatioData>,
  warnings: string[],
): BranchComparisons => {
  const moments = new Map<string, SampleMoments>()
  for (const [branch, data] of ratiosByBranch) {
    const sums = ratioSumsOf(data)
    const { clients, sumNumerator, sumDenominator } = sums
    const all = [
      clients,
      sumNumerator,
      sumDenominator,
      sums.sumNumeratorSquares,
      sums.sumDenominatorSquares,
      sums.sumProducts,
    ]
    if (!all.every(Number.isFinite)) warnings.push(notFinite(branch))
    else if (clients < 1) warnings.push(`branch ${branch} has no clients: left out`)
    else if (sumDenominator === 0) {
      warnings.push(`branch ${branch}: its denominators sum to 0, no ratio: left out`)
    } else moments.set(branch, ratioMomentsOf(sums))
  }
  const partsOf = (focus: string, reference: string) => {
    const focusMoments = moments.get(focus)
    const referenceMoments = moments.get(reference)
    return focusMoments === undefined || referenceMoments === undefined
      ? undefined
      : welchParts(focusMoments, referenceMoments)
  }
  return { moments, partsOf }
}
