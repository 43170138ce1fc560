import type { Statistic } from "../domain/config/analysis-configuration.js"
import {
  type BinomialData,
  binomial,
  conversionsOfHistogram,
  conversionsOfSums,
} from "./binomial.js"
import { bootstrapMean } from "./bootstrap-mean.js"
import { count, sum } from "./count-sum.js"
import { deciles } from "./deciles.js"
import { empiricalCdf } from "./empirical-cdf.js"
import { kernelDensityEstimate } from "./kernel-density.js"
import { type LinearModelSums, linearModelMean } from "./linear-model.js"
import { withoutIntervalsForSmallBranches } from "./minimum-clients.js"
import type { OrderStatistics } from "./order-statistics.js"
import { perClientDauImpact } from "./per-client-dau-impact.js"
import { populationRatio, type RatioData } from "./population-ratio.js"
import { seededRandom } from "./random.js"
import type { StatisticOutput } from "./sample-summary.js"
import { confidenceOf, numberParameter } from "./summary-parameters.js"
import { totalCount, type ValueHistogram } from "./value-histogram.js"

/**
 * What the warehouse pushes down for one branch: the smallest aggregates a statistic needs.
 * They are computed after the pre-treatments and the per-branch winsorization
 * (drop_highest), which the SQL applies, so the kernels here do not winsorize again.
 */
export interface BranchAggregates {
  readonly clients: number
  /** Distinct values with counts, or quantile buckets: bootstrap_mean, deciles, densities. */
  readonly histogram?: ValueHistogram
  /** The order statistics in the quantile bootstrap's rank bands: deciles. */
  readonly orderStatistics?: OrderStatistics
  /** n, Σy, Σy² (and Σx, Σx², Σxy with a covariate): linear models, sum; binomial for 0/1 metrics. */
  readonly sums?: LinearModelSums
  /** (numerator, denominator) pairs or their sums: population_ratio. */
  readonly ratio?: RatioData
}

/** Clients of a branch in the aggregate its statistic reads (after the pre-treatments). */
const clientsIn = (statistic: Statistic["name"], branch: BranchAggregates): number => {
  const { histogram, sums, ratio } = branch
  switch (statistic) {
    case "population_ratio":
      if (ratio === undefined) return branch.clients
      return ratio.kind === "sums"
        ? ratio.clients
        : ratio.counts.reduce((total, count) => total + count, 0)
    case "linear_model_mean":
    case "per_client_dau_impact":
      return sums?.n ?? branch.clients
    case "deciles":
      return branch.orderStatistics?.n ?? branch.clients
    default:
      return histogram === undefined ? (sums?.n ?? branch.clients) : totalCount(histogram)
  }
}

/**
 * Computes one summary from push-down aggregates; the same kernels as the per-client path
 * (`computeSummaryOnClients`), so both agree for the same data. A branch lacking the
 * aggregate its statistic needs is left out with a warning.
 */
export const computeSummaryOnAggregates = (
  statistic: Statistic,
  aggregates: ReadonlyMap<string, BranchAggregates>,
  options: { readonly seed: number; readonly stream: string },
): StatisticOutput => {
  const { parameters } = statistic
  const warnings: string[] = []
  const collect = <A>(
    what: string,
    pick: (branch: BranchAggregates) => A | undefined,
  ): ReadonlyMap<string, A> => {
    const picked = new Map<string, A>()
    for (const [branch, branchAggregates] of aggregates) {
      const value = pick(branchAggregates)
      if (value === undefined)
        warnings.push(
          `branch ${branch}: no ${what} was pushed down for ${statistic.name}: left out`,
        )
      else picked.set(branch, value)
    }
    return picked
  }
  const randomFor = (branch: string) => seededRandom(options.seed, `${options.stream}/${branch}`)
  const confidence = confidenceOf(statistic) ?? 0.95
  const numSamples = numberParameter(parameters, "num_samples", 10_000)
  const histograms = () => collect("value histogram", (branch) => branch.histogram)
  const sums = () => collect("sufficient statistics", (branch) => branch.sums)

  const output = ((): StatisticOutput => {
    switch (statistic.name) {
      case "bootstrap_mean":
        return bootstrapMean(histograms(), { numSamples, confidence }, randomFor)
      case "binomial":
        // Values must be 0 or 1, as on the per-client path; others refuse the summary.
        return binomial(
          collect<BinomialData>("value histogram or sufficient statistics", (branch) =>
            branch.histogram === undefined
              ? branch.sums === undefined
                ? undefined
                : conversionsOfSums(branch.sums)
              : conversionsOfHistogram(branch.histogram),
          ),
          { confidence, numSamples },
          randomFor,
        )
      case "deciles":
        return deciles(
          collect("order statistics", (branch) => branch.orderStatistics),
          { numSamples, confidence },
          randomFor,
        )
      case "linear_model_mean":
        return linearModelMean(sums(), { confidence })
      case "per_client_dau_impact":
        return perClientDauImpact(sums(), { confidence })
      case "population_ratio":
        return populationRatio(
          collect("ratio data", (branch) => branch.ratio),
          { numSamples, confidence },
          randomFor,
        )
      case "kernel_density_estimate":
        return kernelDensityEstimate(histograms(), parameters)
      case "empirical_cdf":
        return empiricalCdf(histograms(), parameters)
      case "count":
        return count(new Map([...aggregates].map(([branch, { clients }]) => [branch, clients])))
      case "sum":
        return sum(new Map([...sums()].map(([branch, { sumY }]) => [branch, sumY])))
    }
  })()
  const clients = new Map(
    [...aggregates].map(([branch, branchAggregates]) => [
      branch,
      clientsIn(statistic.name, branchAggregates),
    ]),
  )
  return withoutIntervalsForSmallBranches(statistic.name, clients, {
    rows: output.rows,
    warnings: [...warnings, ...output.warnings],
    ...(output.refused === undefined ? {} : { refused: output.refused }),
  })
}
