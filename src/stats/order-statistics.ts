import { sortedCopy } from "./quantile.js"
import { rankBand } from "./rank-bands.js"

/**
 * Some of a branch's order statistics, exactly: runs of equal values over 0-based ranks of
 * the branch's n sorted values. The runs need not cover every rank, only those a reader asks
 * for (the rank bands of the quantile bootstrap); inside a run every rank holds its value,
 * since the values are sorted. This is what the warehouse returns for quantile statistics,
 * instead of buckets whose means have the resolution of the buckets, not of the data.
 */
export interface OrderStatistics {
  /** Clients in the branch: ranks run from 0 to n − 1. */
  readonly n: number
  /** Ascending values of the runs. */
  readonly values: Float64Array
  readonly firstRanks: Float64Array
  /** Inclusive. */
  readonly lastRanks: Float64Array
}

/** Why an order statistic a reader needs is not among those given. */
export class MissingOrderStatistic extends Error {
  constructor(readonly rank: number) {
    super(`the order statistic at rank ${rank} was not returned`)
  }
}

/** The value at 0-based `rank` (binary search over the runs). */
export const valueAtRank = (statistics: OrderStatistics, rank: number): number => {
  const { firstRanks, lastRanks, values } = statistics
  let low = 0
  let high = lastRanks.length - 1
  while (low < high) {
    const middle = (low + high) >> 1
    if ((lastRanks[middle] ?? 0) < rank) low = middle + 1
    else high = middle
  }
  if (!((firstRanks[low] ?? Number.NaN) <= rank && rank <= (lastRanks[low] ?? Number.NaN))) {
    throw new MissingOrderStatistic(rank)
  }
  return values[low] ?? Number.NaN
}

/** Runs of equal values over ascending `sorted`, restricted to the ranks `keep` accepts. */
const runsOf = (sorted: Float64Array, keep: (rank: number) => boolean): OrderStatistics => {
  const values: number[] = []
  const firstRanks: number[] = []
  const lastRanks: number[] = []
  for (let rank = 0; rank < sorted.length; rank++) {
    if (!keep(rank)) continue
    const value = sorted[rank] ?? Number.NaN
    const last = values.length - 1
    if (last >= 0 && values[last] === value) lastRanks[last] = rank
    else {
      values.push(value)
      firstRanks.push(rank)
      lastRanks.push(rank)
    }
  }
  return {
    n: sorted.length,
    values: Float64Array.from(values),
    firstRanks: Float64Array.from(firstRanks),
    lastRanks: Float64Array.from(lastRanks),
  }
}

/**
 * The order statistics of per-client values in the rank bands of `levels`: what the warehouse
 * returns for them, and all the quantile bootstrap reads.
 */
export const orderStatisticsInBands = (
  values: Float64Array,
  levels: ReadonlyArray<number>,
): OrderStatistics => {
  const sorted = sortedCopy(values)
  const bands = levels.map((level) => rankBand(sorted.length, level))
  return runsOf(sorted, (rank) => bands.some((band) => band.low <= rank && rank <= band.high))
}
