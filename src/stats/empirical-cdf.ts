import type { EstimateRow } from "./estimate.js"
import { type BranchValues, gridHistogramOf, reportedPointsOf } from "./grid.js"
import type { StatisticOutput } from "./sample-summary.js"
import type { ValueHistogram } from "./value-histogram.js"

/**
 * Jetstream's empirical_cdf: per branch, the share of clients whose value is at most x,
 *
 *   F̂(x) = #{i : xᵢ ≤ x} / n,
 *
 * as statsmodels' ECDF computes it (statsmodels/distributions/empirical_distribution.py,
 * a right-continuous step function), read on Jetstream's grid (see grid.ts; and at x = 0,
 * ahead of a geometric grid, when the minimum is 0).
 *
 * A histogram stands for its values repeated `count` times: a distinct-value histogram gives
 * exactly the per-client F̂. So does a histogram binned up to the reported points (each
 * value counted at the smallest reported x ≥ it): F̂ is only read there, and the binned
 * values keep the minimum, the maximum and the smallest positive value, hence the grid.
 */

export interface EmpiricalCdfOptions {
  readonly gridSize: number
  readonly logSpace: boolean
}

/** F̂ at each of `points` for a histogram with ascending values. */
export const cumulativeSharesAt = (
  histogram: ValueHistogram,
  points: Float64Array,
): Float64Array => {
  const { values, counts } = histogram
  const cumulative = new Float64Array(counts.length)
  let running = 0
  counts.forEach((count, index) => {
    running += count
    cumulative[index] = running
  })
  return points.map((x) => {
    let low = 0
    let high = values.length
    while (low < high) {
      const middle = (low + high) >> 1
      if ((values[middle] ?? Number.NaN) <= x) low = middle + 1
      else high = middle
    }
    return low === 0 ? 0 : (cumulative[low - 1] ?? 0) / running
  })
}

/**
 * empirical_cdf for each branch: one row per reported x (parameter = x, point = F̂(x), no
 * interval). Branches without finite values get a warning instead of rows.
 */
export const empiricalCdf = (
  branches: ReadonlyMap<string, BranchValues>,
  options: EmpiricalCdfOptions,
): StatisticOutput => {
  const rows: EstimateRow[] = []
  const warnings: string[] = []
  for (const [branch, data] of branches) {
    const histogram = gridHistogramOf(branch, data, "CDF", warnings)
    if (histogram === undefined) continue
    const points = reportedPointsOf(branch, histogram, options, warnings)
    const shares = cumulativeSharesAt(histogram, points)
    points.forEach((x, index) => {
      rows.push({ branch, parameter: x, point: shares[index] ?? Number.NaN })
    })
  }
  return { rows, warnings }
}
