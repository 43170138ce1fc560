import { binomial } from "./distributions.js"
import type { RandomSource } from "./random.js"
import { type StatisticOutput, summariseSamples } from "./sample-summary.js"
import { totalCount, type ValueHistogram, winsorizeHistogram } from "./value-histogram.js"

export const decileLevels: ReadonlyArray<number> = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]

/** The value at 0-based `rank` of the data a histogram stands for (binary search). */
const valueAtRank = (values: Float64Array, cumulative: Float64Array, rank: number): number => {
  let low = 0
  let high = cumulative.length - 1
  while (low < high) {
    const middle = (low + high) >> 1
    if ((cumulative[middle] ?? 0) > rank) high = middle
    else low = middle + 1
  }
  return values[low] ?? Number.NaN
}

/**
 * Jetstream's deciles: the resampling-free quantile bootstrap (Schultzberg & Ankargren,
 * "Resampling-free bootstrap inference for quantiles", 2022): the q-quantile of a bootstrap
 * resample of n sorted values is the value at rank Binomial(n − 1, q). Draws per branch
 * and decile, then the usual per-branch and pairwise summaries, one set per decile.
 */
export const deciles = (
  histograms: ReadonlyMap<string, ValueHistogram>,
  parameters: {
    readonly numSamples: number
    readonly confidence: number
    readonly dropHighest?: number
  },
  randomFor: (branch: string) => RandomSource,
): StatisticOutput => {
  const warnings: string[] = []
  const draws = new Map<number, Map<string, Float64Array>>(
    decileLevels.map((level) => [level, new Map()]),
  )
  for (const [branch, raw] of histograms) {
    const n = totalCount(raw)
    if (n === 0) {
      warnings.push(`branch ${branch} has no clients: left out`)
      continue
    }
    const histogram =
      parameters.dropHighest === undefined
        ? raw
        : winsorizeHistogram(raw, 1 - parameters.dropHighest)
    const cumulative = new Float64Array(histogram.counts.length)
    let running = 0
    histogram.counts.forEach((count, index) => {
      running += count
      cumulative[index] = running
    })
    const random = randomFor(branch)
    for (const level of decileLevels) {
      const samples = new Float64Array(parameters.numSamples)
      for (let index = 0; index < samples.length; index++) {
        samples[index] = valueAtRank(histogram.values, cumulative, binomial(random, n - 1, level))
      }
      draws.get(level)?.set(branch, samples)
    }
  }
  const outputs = decileLevels.map((level) =>
    summariseSamples(draws.get(level) ?? new Map(), parameters.confidence, level, {
      warnOnZeroReference: false,
    }),
  )
  // Where the reference's decile is 0 in a draw, the relative uplift does not exist: those
  // rows are absent by design, and the report says so where it shows the deciles.
  return { rows: outputs.flatMap((output) => output.rows), warnings }
}
