import { gammaSampler, standardNormal } from "./distributions.js"
import type { RandomSource } from "./random.js"
import { type StatisticOutput, summariseSamples } from "./sample-summary.js"
import { defaultMaxBuckets, winsorize } from "./value-histogram.js"

/**
 * A branch's (numerator, denominator) pairs as the warehouse can return them: the distinct
 * pairs with their counts, or, beyond a bound, only the sums a normal approximation needs.
 */
export type RatioData =
  | {
      readonly kind: "pairs"
      readonly numerators: Float64Array
      readonly denominators: Float64Array
      readonly counts: Float64Array
    }
  | {
      readonly kind: "sums"
      readonly clients: number
      readonly sumNumerator: number
      readonly sumDenominator: number
      readonly sumNumeratorSquares: number
      readonly sumDenominatorSquares: number
      readonly sumProducts: number
    }

/** Per-client columns to ratio data: exact distinct pairs up to `maxPairs`, sums beyond. */
export const ratioDataOf = (
  numerators: Float64Array,
  denominators: Float64Array,
  maxPairs = defaultMaxBuckets,
): RatioData => {
  const tally = new Map<string, { numerator: number; denominator: number; count: number }>()
  for (let index = 0; index < numerators.length && tally.size <= maxPairs; index++) {
    const numerator = numerators[index] ?? 0
    const denominator = denominators[index] ?? 0
    const key = `${numerator}|${denominator}`
    const entry = tally.get(key)
    if (entry === undefined) tally.set(key, { numerator, denominator, count: 1 })
    else entry.count++
  }
  if (tally.size <= maxPairs) {
    const entries = [...tally.values()]
    return {
      kind: "pairs",
      numerators: Float64Array.from(entries, (entry) => entry.numerator),
      denominators: Float64Array.from(entries, (entry) => entry.denominator),
      counts: Float64Array.from(entries, (entry) => entry.count),
    }
  }
  let sumNumerator = 0
  let sumDenominator = 0
  let sumNumeratorSquares = 0
  let sumDenominatorSquares = 0
  let sumProducts = 0
  for (let index = 0; index < numerators.length; index++) {
    const numerator = numerators[index] ?? 0
    const denominator = denominators[index] ?? 0
    sumNumerator += numerator
    sumDenominator += denominator
    sumNumeratorSquares += numerator * numerator
    sumDenominatorSquares += denominator * denominator
    sumProducts += numerator * denominator
  }
  return {
    kind: "sums",
    clients: numerators.length,
    sumNumerator,
    sumDenominator,
    sumNumeratorSquares,
    sumDenominatorSquares,
    sumProducts,
  }
}

/**
 * Draws of mean(numerator) / mean(denominator). Exact pairs: the Bayesian bootstrap over
 * clients (Dirichlet(counts) over the distinct pairs). Sums: the two means drawn from their
 * joint normal sampling distribution (covariance from the sums, divided by n), the
 * large-sample limit of the same bootstrap.
 */
export const ratioSamples = (
  data: RatioData,
  numSamples: number,
  random: RandomSource,
): Float64Array => {
  const samples = new Float64Array(numSamples)
  if (data.kind === "pairs") {
    // Dirichlet(counts) weights are Gamma(counts) draws over their total, which cancels in
    // the ratio of the two weighted means.
    const draw = gammaSampler(data.counts)
    const size = data.counts.length
    for (let sample = 0; sample < numSamples; sample++) {
      let numerator = 0
      let denominator = 0
      for (let index = 0; index < size; index++) {
        const weight = draw(random, index)
        numerator += weight * (data.numerators[index] ?? 0)
        denominator += weight * (data.denominators[index] ?? 0)
      }
      samples[sample] = numerator / denominator
    }
    return samples
  }
  const n = data.clients
  const meanNumerator = data.sumNumerator / n
  const meanDenominator = data.sumDenominator / n
  const varianceNumerator = Math.max(0, data.sumNumeratorSquares / n - meanNumerator ** 2) / n
  const varianceDenominator = Math.max(0, data.sumDenominatorSquares / n - meanDenominator ** 2) / n
  const covariance = (data.sumProducts / n - meanNumerator * meanDenominator) / n
  // Cholesky factor of the 2×2 covariance.
  const a = Math.sqrt(varianceNumerator)
  const b = a > 0 ? covariance / a : 0
  const c = Math.sqrt(Math.max(0, varianceDenominator - b * b))
  for (let sample = 0; sample < numSamples; sample++) {
    const z1 = standardNormal(random)
    const z2 = standardNormal(random)
    samples[sample] = (meanNumerator + a * z1) / (meanDenominator + b * z1 + c * z2)
  }
  return samples
}

/** Winsorizes numerator and denominator separately, as mozanalysis' filter_outliers does. */
export const winsorizePairs = (
  numerators: Float64Array,
  denominators: Float64Array,
  dropHighest: number,
): readonly [Float64Array, Float64Array] => [
  winsorize(numerators, 1 - dropHighest),
  winsorize(denominators, 1 - dropHighest),
]

/**
 * Jetstream's population_ratio: mean(numerator) / mean(denominator) over a branch's
 * clients, bootstrapped, with per-branch and pairwise summaries.
 */
export const populationRatio = (
  branches: ReadonlyMap<string, RatioData>,
  parameters: { readonly numSamples: number; readonly confidence: number },
  randomFor: (branch: string) => RandomSource,
): StatisticOutput => {
  const samples = new Map<string, Float64Array>()
  const warnings: string[] = []
  for (const [branch, data] of branches) {
    const denominatorTotal =
      data.kind === "pairs"
        ? data.denominators.reduce(
            (total, value, index) => total + value * (data.counts[index] ?? 0),
            0,
          )
        : data.sumDenominator
    if (denominatorTotal === 0) {
      warnings.push(
        `branch ${branch}: the denominator is 0 for every client, so there is no ratio: left out`,
      )
      continue
    }
    samples.set(branch, ratioSamples(data, parameters.numSamples, randomFor(branch)))
  }
  const output = summariseSamples(samples, parameters.confidence)
  return { rows: output.rows, warnings: [...warnings, ...output.warnings] }
}
