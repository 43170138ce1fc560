import betaQuantile from "@stdlib/stats-base-dists-beta-quantile"
import { beta } from "./distributions.js"
import { type EstimateRow, intervalQuantiles } from "./estimate.js"
import type { RandomSource } from "./random.js"
import { type StatisticOutput, summariseSamples } from "./sample-summary.js"
import type { ValueHistogram } from "./value-histogram.js"

export interface Conversions {
  readonly clients: number
  readonly conversions: number
}

/** A branch whose values are not all 0 or 1: what was seen, in words, for the refusal. */
export interface NotBinary {
  readonly notBinary: string
}

/** What binomial reads of a branch: its conversions, or why its values are not outcomes. */
export type BinomialData = Conversions | NotBinary

const isOutcome = (value: number): boolean => value === 0 || value === 1

const shown = (value: number): string => `${Number(value.toPrecision(6))}`

/**
 * A branch's clients as binomial outcomes: each value must be 0 or 1 (a boolean metric reads
 * as 0/1). Jetstream sums the values as successes and a first draft counted values above 0;
 * either turns a continuous metric into a made-up rate, so any other value refuses the data.
 */
export const conversionsOfValues = (values: Float64Array): BinomialData => {
  let conversions = 0
  let others = 0
  let example = Number.NaN
  for (const value of values) {
    if (value === 1) conversions++
    else if (value !== 0) {
      // The smallest, as an exact histogram (ascending) would name it on the push-down path.
      if (others === 0 || value < example) example = value
      others++
    }
  }
  return others === 0
    ? { clients: values.length, conversions }
    : {
        notBinary: `${others} of ${values.length} clients have other values (e.g. ${shown(example)})`,
      }
}

/**
 * The same from a pushed-down histogram. An exact histogram lists every distinct value; one of
 * quantile buckets exists only beyond the bound on distinct values, which 0/1 data do not
 * reach, and is reported by its buckets whose values are not all 0 or all 1.
 */
export const conversionsOfHistogram = (histogram: ValueHistogram): BinomialData => {
  const { values, counts, variances } = histogram
  let clients = 0
  let conversions = 0
  let others = 0
  let example = Number.NaN
  values.forEach((value, index) => {
    const count = counts[index] ?? 0
    clients += count
    if (isOutcome(value) && (variances?.[index] ?? 0) === 0) {
      if (value === 1) conversions += count
    } else {
      if (others === 0) example = value
      others += count
    }
  })
  if (others === 0) return { clients, conversions }
  return variances === undefined
    ? { notBinary: `${others} of ${clients} clients have other values (e.g. ${shown(example)})` }
    : {
        notBinary: `about ${others} of ${clients} clients have other values (more distinct values than the push-down lists; e.g. around ${shown(example)})`,
      }
}

/**
 * The same from sufficient statistics: 0/1 values give Σy = Σy² = a whole number of at most
 * n; other values (almost always) do not.
 */
export const conversionsOfSums = (sums: {
  readonly n: number
  readonly sumY: number
  readonly sumY2: number
}): BinomialData => {
  const { n, sumY, sumY2 } = sums
  const tolerance = 1e-9 * Math.max(1, Math.abs(sumY2))
  const binary =
    Math.abs(sumY - sumY2) <= tolerance &&
    Math.abs(sumY - Math.round(sumY)) <= tolerance &&
    sumY >= 0 &&
    sumY <= n
  return binary
    ? { clients: n, conversions: Math.round(sumY) }
    : {
        notBinary: `Σy = ${shown(sumY)} and Σy² = ${shown(sumY2)} over ${n} clients, which values of 0 and 1 cannot give`,
      }
}

/**
 * Jetstream's binomial: with a uniform Beta(1, 1) prior, a branch's conversion rate has the
 * posterior Beta(conversions + 1, clients − conversions + 1); the branch row gives its mean
 * and exact quantiles. Comparisons summarise `numSamples` joint posterior draws (mozanalysis'
 * compare_branches_from_agg), at any confidence level. A branch whose values are not 0/1
 * refuses the whole summary: no rows, and `refused` says which branch and what it holds.
 */
export const binomial = (
  branches: ReadonlyMap<string, BinomialData>,
  parameters: { readonly confidence: number; readonly numSamples: number },
  randomFor: (branch: string) => RandomSource,
): StatisticOutput => {
  const notBinary = [...branches].flatMap(([branch, data]) =>
    "notBinary" in data ? [`branch ${branch}: ${data.notBinary}`] : [],
  )
  if (notBinary.length > 0) {
    return {
      rows: [],
      warnings: [],
      refused: `binomial needs values 0 or 1 (or a boolean) per client: ${notBinary.join("; ")}`,
    }
  }
  const [low, high] = intervalQuantiles(parameters.confidence)
  const warnings: string[] = []
  const exactRows: EstimateRow[] = []
  const samples = new Map<string, Float64Array>()
  for (const [branch, data] of branches) {
    if ("notBinary" in data) continue
    const { clients, conversions } = data
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
