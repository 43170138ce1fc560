import { selectRanks, sortedCopy } from "./quantile.js"
import { type RankBand, rankBand } from "./rank-bands.js"

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

/**
 * Runs of equal values over the ranks of `bands` (ascending, disjoint) of `ranked`, an array
 * whose entries inside each band are the order statistics of those ranks.
 */
const runsInBands = (ranked: Float64Array, bands: ReadonlyArray<RankBand>): OrderStatistics => {
  const values: number[] = []
  const firstRanks: number[] = []
  const lastRanks: number[] = []
  for (const { low, high } of bands) {
    for (let rank = low; rank <= high; rank++) {
      const value = ranked[rank] ?? Number.NaN
      const last = values.length - 1
      // Equal order statistics hold every rank between them too, across a gap between bands.
      if (last >= 0 && values[last] === value) lastRanks[last] = rank
      else {
        values.push(value)
        firstRanks.push(rank)
        lastRanks.push(rank)
      }
    }
  }
  return {
    n: ranked.length,
    values: Float64Array.from(values),
    firstRanks: Float64Array.from(firstRanks),
    lastRanks: Float64Array.from(lastRanks),
  }
}

/** The bands of `levels` over n ranks, ascending, overlapping ones merged. */
const disjointBands = (n: number, levels: ReadonlyArray<number>): RankBand[] => {
  const merged: RankBand[] = []
  const bands = levels.map((level) => rankBand(n, level)).filter(({ low, high }) => low <= high)
  for (const band of bands.sort((a, b) => a.low - b.low)) {
    const last = merged[merged.length - 1]
    if (last !== undefined && band.low <= last.high + 1) {
      merged[merged.length - 1] = { low: last.low, high: Math.max(last.high, band.high) }
    } else merged.push(band)
  }
  return merged
}

/**
 * The order statistics of per-client values in the rank bands of `levels`: what the warehouse
 * returns for them, and all the quantile bootstrap reads. Each band's ranks are selected and
 * only they are sorted (about √n values per level, where sorting all n costs n·log n); values
 * with NaN are sorted whole, NaN last, as the warehouse orders them.
 */
export const orderStatisticsInBands = (
  values: Float64Array,
  levels: ReadonlyArray<number>,
): OrderStatistics => {
  const n = values.length
  const bands = disjointBands(n, levels)
  if (values.some(Number.isNaN)) return runsInBands(sortedCopy(values), bands)
  const ranked = Float64Array.from(values)
  // With both ends of a band selected, the band holds its order statistics, in some order.
  selectRanks(
    ranked,
    bands.flatMap(({ low, high }) => [low, high]),
    0,
    n - 1,
  )
  for (const { low, high } of bands) ranked.subarray(low, high + 1).sort()
  return runsInBands(ranked, bands)
}
