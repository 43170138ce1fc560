import betaQuantile from "@stdlib/stats-base-dists-beta-quantile"
import { beta } from "./distributions.js"
import { type EstimateRow, intervalQuantiles } from "./estimate.js"
import type { RandomSource } from "./random.js"
import { type StatisticOutput, summariseSamples } from "./sample-summary.js"

export interface Conversions {
  readonly clients: number
  readonly conversions: number
}

/**
 * Jetstream's binomial: with a uniform Beta(1, 1) prior, a branch's conversion rate has the
 * posterior Beta(conversions + 1, clients − conversions + 1); the branch row gives its mean
 * and exact quantiles. Comparisons summarise `numSamples` joint posterior draws (mozanalysis'
 * compare_branches_from_agg), at any confidence level.
 */
export const binomial = (
  branches: ReadonlyMap<string, Conversions>,
  parameters: { readonly confidence: number; readonly numSamples: number },
  randomFor: (branch: string) => RandomSource,
): StatisticOutput => {
  const [low, high] = intervalQuantiles(parameters.confidence)
  const warnings: string[] = []
  const exactRows: EstimateRow[] = []
  const samples = new Map<string, Float64Array>()
  for (const [branch, { clients, conversions }] of branches) {
    if (clients <= 0 || conversions < 0 || conversions > clients) {
      warnings.push(
        `branch ${branch}: ${conversions} conversions of ${clients} clients is not a binomial outcome: left out`,
      )
      continue
    }
    const a = conversions + 1
    const b = clients - conversions + 1
    exactRows.push({
      branch,
      point: a / (a + b),
      lower: betaQuantile(low, a, b),
      upper: betaQuantile(high, a, b),
    })
    const random = randomFor(branch)
    const draws = new Float64Array(parameters.numSamples)
    for (let index = 0; index < draws.length; index++) draws[index] = beta(random, a, b)
    samples.set(branch, draws)
  }
  const compared = summariseSamples(samples, parameters.confidence)
  return {
    rows: [...exactRows, ...compared.rows.filter((row) => row.comparison !== undefined)],
    warnings: [...warnings, ...compared.warnings],
  }
}
