import { type OrderStatistics, valueAtRank } from "./order-statistics.js"
import type { RandomSource } from "./random.js"
import { bandedBinomialSampler, rankBand } from "./rank-bands.js"
import { type StatisticOutput, summariseSamples } from "./sample-summary.js"

export const decileLevels: ReadonlyArray<number> = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]

/**
 * Jetstream's deciles: the resampling-free quantile bootstrap (Schultzberg & Ankargren,
 * "Resampling-free bootstrap inference for quantiles", 2022): the q-quantile of a bootstrap
 * resample of n sorted values is the value at rank Binomial(n − 1, q). The ranks are drawn
 * exactly (rank-bands.ts) and read from the exact order statistics, so the result is the
 * per-client computation's at any n (a rank outside what was returned throws: the producer's
 * defect, never a silent approximation). Draws per branch and decile, then the usual per-branch
 * and pairwise summaries, one set per decile.
 */
export const deciles = (
  branches: ReadonlyMap<string, OrderStatistics>,
  parameters: { readonly numSamples: number; readonly confidence: number },
  randomFor: (branch: string) => RandomSource,
): StatisticOutput => {
  const warnings: string[] = []
  const draws = new Map<number, Map<string, Float64Array>>(
    decileLevels.map((level) => [level, new Map()]),
  )
  for (const [branch, statistics] of branches) {
    const { n } = statistics
    if (n === 0) {
      warnings.push(`branch ${branch} has no clients: left out`)
      continue
    }
    const random = randomFor(branch)
    for (const level of decileLevels) {
      const rankOf = bandedBinomialSampler(n - 1, level, rankBand(n, level))
      const samples = new Float64Array(parameters.numSamples)
      for (let index = 0; index < samples.length; index++) {
        samples[index] = valueAtRank(statistics, rankOf(random.nextDouble()))
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
