import { gammaSampler, standardNormal } from "./distributions.js"
import type { RandomSource } from "./random.js"
import { type StatisticOutput, summariseSamples } from "./sample-summary.js"
import { totalCount, type ValueHistogram } from "./value-histogram.js"

export interface BootstrapParameters {
  readonly numSamples: number
  readonly confidence: number
}

/**
 * Draws of the mean under the Bayesian bootstrap (Rubin, 1981): Dirichlet(counts) weights
 * over the distinct values, which is the same distribution as Dirichlet(1, ..., 1) over the
 * clients (the aggregation property of the Dirichlet). For quantile buckets the weights
 * inside a bucket are still Dirichlet(1, ..., 1), so its weighted mean varies around the
 * bucket mean with variance σ²_bucket / (n_bucket + 1); each draw adds that spread. Given the
 * weights w, the buckets' independent normal spreads add up to one normal of variance
 * Σ wᵢ² σᵢ² / (nᵢ + 1), drawn once per sample rather than once per bucket.
 */
export const bootstrapMeanSamples = (
  histogram: ValueHistogram,
  numSamples: number,
  random: RandomSource,
): Float64Array => {
  const { values, counts, variances } = histogram
  const spreadVariances = variances?.map((variance, index) => variance / ((counts[index] ?? 0) + 1))
  const samples = new Float64Array(numSamples)
  const draw = gammaSampler(counts)
  const size = values.length
  for (let sample = 0; sample < numSamples; sample++) {
    // Dirichlet(counts) weights are Gamma(counts) draws over their total: one pass sums the
    // draws, the weighted values and the squared weights' spread, and divides once.
    let total = 0
    let weighted = 0
    let spread = 0
    if (spreadVariances === undefined) {
      for (let index = 0; index < size; index++) {
        const weight = draw(random, index)
        total += weight
        weighted += weight * (values[index] ?? 0)
      }
      samples[sample] = weighted / total
    } else {
      for (let index = 0; index < size; index++) {
        const weight = draw(random, index)
        total += weight
        weighted += weight * (values[index] ?? 0)
        spread += weight * weight * (spreadVariances[index] ?? 0)
      }
      // Drawn for every sample of a bucketed histogram, spread or not: whether a bucket's
      // variance comes out 0 or 1e-17 depends on the warehouse's summing order, and must not
      // shift the random stream.
      samples[sample] = weighted / total + (Math.sqrt(spread) / total) * standardNormal(random)
    }
  }
  return samples
}

/**
 * Jetstream's bootstrap_mean ("mean"): per branch, bootstrap the mean; then summarise per
 * branch and per ordered pair of branches. The histograms are of values already winsorized
 * at the (1 − drop_highest) quantile, on the per-client values (`winsorize`) or in the
 * warehouse: a cap read from quantile buckets would have the resolution of the buckets.
 * `randomFor(branch)` gives each branch its own seeded stream, so results do not depend on
 * the order branches come in.
 */
export const bootstrapMean = (
  histograms: ReadonlyMap<string, ValueHistogram>,
  parameters: BootstrapParameters,
  randomFor: (branch: string) => RandomSource,
): StatisticOutput => {
  const samples = new Map<string, Float64Array>()
  const warnings: string[] = []
  for (const [branch, histogram] of histograms) {
    if (totalCount(histogram) === 0) {
      warnings.push(`branch ${branch} has no clients: left out`)
      continue
    }
    samples.set(branch, bootstrapMeanSamples(histogram, parameters.numSamples, randomFor(branch)))
  }
  const output = summariseSamples(samples, parameters.confidence)
  return { rows: output.rows, warnings: [...warnings, ...output.warnings] }
}
