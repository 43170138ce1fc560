import type { RatioData } from "./population-ratio.js"
import type { StatisticOutput } from "./sample-summary.js"
import {
  type BranchComparisons,
  invalidConfidence,
  notFiniteWarning,
  type SampleMoments,
  type TestOptions,
  tTestRows,
  welchParts,
} from "./t-test.js"

/** A branch's clients, Σm, Σd, Σm², Σd², Σm·d: what the ratio's test needs. */
export type RatioSums = Omit<Extract<RatioData, { readonly kind: "sums" }>, "kind">

/** The sums of ratio data, however the warehouse returned it. */
export const ratioSumsOf = (data: RatioData): RatioSums => {
  if (data.kind === "sums") return data
  const sums = {
    clients: 0,
    sumNumerator: 0,
    sumDenominator: 0,
    sumNumeratorSquares: 0,
    sumDenominatorSquares: 0,
    sumProducts: 0,
  }
  for (let index = 0; index < data.counts.length; index++) {
    const count = data.counts[index] ?? 0
    const numerator = data.numerators[index] ?? 0
    const denominator = data.denominators[index] ?? 0
    sums.clients += count
    sums.sumNumerator += count * numerator
    sums.sumDenominator += count * denominator
    sums.sumNumeratorSquares += count * numerator * numerator
    sums.sumDenominatorSquares += count * denominator * denominator
    sums.sumProducts += count * numerator * denominator
  }
  return sums
}

/**
 * A ratio's n, mean and per-client variance, as gbstats' RatioStatistic
 * (growthbook/growthbook, packages/stats/gbstats/models/statistics.py; variance_of_ratios in
 * utils.py): mean Σm/Σd, and by the delta method
 * s² = s_m²/d̄² + s_d²·m̄²/d̄⁴ − 2·s_md·m̄/d̄³, with s_m², s_d², s_md the sample (co)variances
 * (divisor n − 1), so that s²/n is the variance of m̄/d̄. NaN below 2 clients.
 */
export const ratioMomentsOf = (sums: RatioSums): SampleMoments => {
  const n = sums.clients
  const meanM = sums.sumNumerator / n
  const meanD = sums.sumDenominator / n
  const covariance = (sumA: number, sumB: number, sumAB: number) =>
    (sumAB - (sumA * sumB) / n) / (n - 1)
  const varianceM = covariance(sums.sumNumerator, sums.sumNumerator, sums.sumNumeratorSquares)
  const varianceD = covariance(sums.sumDenominator, sums.sumDenominator, sums.sumDenominatorSquares)
  const covarianceMD = covariance(sums.sumNumerator, sums.sumDenominator, sums.sumProducts)
  const variance =
    varianceM / meanD ** 2 +
    (varianceD * meanM * meanM) / meanD ** 4 -
    (2 * covarianceMD * meanM) / meanD ** 3
  return {
    n,
    mean: sums.sumNumerator / sums.sumDenominator,
    // Rounding can make it slightly negative when the numerator is proportional to the denominator.
    variance: n > 1 ? Math.max(0, variance) : Number.NaN,
  }
}

/**
 * The comparisons of a ratio metric: each branch's Σm/Σd with its delta-method variance
 * (`ratioMomentsOf`), branches independent. A branch without clients, with sums that are not
 * finite or whose denominators sum to 0 is left out, with a warning.
 */
export const ratioComparisons = (
  ratiosByBranch: ReadonlyMap<string, RatioData>,
  warnings: string[],
): BranchComparisons => {
  const moments = new Map<string, SampleMoments>()
  for (const [branch, data] of ratiosByBranch) {
    const sums = ratioSumsOf(data)
    const all = [
      sums.clients,
      sums.sumNumerator,
      sums.sumDenominator,
      sums.sumNumeratorSquares,
      sums.sumDenominatorSquares,
      sums.sumProducts,
    ]
    if (!all.every(Number.isFinite)) warnings.push(notFiniteWarning(branch))
    else if (sums.clients < 1) warnings.push(`branch ${branch} has no clients: left out`)
    else if (sums.sumDenominator === 0) {
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

/**
 * The t_test of a ratio metric: `ratioComparisons`, then the rows and Welch tests of the
 * mean's t_test on those moments, as gbstats tests a RatioStatistic (relative uplift by the
 * delta method, branches independent).
 */
export const ratioTTest = (
  ratiosByBranch: ReadonlyMap<string, RatioData>,
  parameters: TestOptions,
): StatisticOutput => {
  const invalid = invalidConfidence(parameters.confidence)
  if (invalid !== undefined) return invalid
  const warnings: string[] = []
  const { moments, partsOf } = ratioComparisons(ratiosByBranch, warnings)
  return { rows: tTestRows(moments, partsOf, parameters, warnings), warnings }
}
