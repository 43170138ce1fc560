import { type Statistic, statisticOnAggregates } from "./catalogue/statistic-catalogue.js"
import type { BranchAggregates } from "./catalogue/statistic-descriptor.js"
import { seededRandom } from "./random.js"
import type { StatisticOutput } from "./sample-summary.js"

export type { BranchAggregates } from "./catalogue/statistic-descriptor.js"

/**
 * Computes one summary from push-down aggregates; the same kernels as the per-client path
 * (`computeSummaryOnClients`), so both agree for the same data. A branch lacking the
 * aggregate its statistic needs is left out with a warning.
 */
export const computeSummaryOnAggregates = (
  statistic: Statistic,
  aggregates: ReadonlyMap<string, BranchAggregates>,
  options: { readonly seed: number; readonly stream: string },
): StatisticOutput =>
  statisticOnAggregates(statistic, aggregates, {
    randomFor: (branch) => seededRandom(options.seed, `${options.stream}/${branch}`),
  })
