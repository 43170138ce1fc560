import type { EstimateRow } from "./estimate.js"
import { type BranchValues, gridHistogramOf, reportedPointsOf } from "./grid.js"
import type { StatisticOutput } from "./sample-summary.js"
import { histogramQuantile, totalCount, type ValueHistogram } from "./value-histogram.js"

/**
 * Jetstream's kernel_density_estimate: a Gaussian kernel density estimate per branch,
 *
 *   f̂(x) = 1/(n·h) · Σᵢ φ((x − xᵢ)/h),   φ(z) = e^(−z²/2)/√(2π),
 *
 * evaluated on Jetstream's grid (see grid.ts), with the bandwidth rules of statsmodels'
 * KDEUnivariate (statsmodels/nonparametric/bandwidths.py, which Jetstream used until it
 * moved to scikit-learn), h = adjust · C · A · n^(−1/5):
 *
 *   A = min(sd, IQR/1.349) with sd = std(x, ddof = 1) and IQR the type-7 quartile range
 *       (sd alone when the IQR is 0), Silverman (1986) p. 47;
 *   C = 1.059 for "scott" (Scott 1992), 0.9 for "silverman" (Silverman 1986),
 *       2·(1/24)^(1/5) = (4/3)^(1/5) ≈ 1.0592 for "normal_reference" (Hansen 2009, the
 *       Gaussian kernel's normal-reference constant).
 *
 * log_space only changes the grid, as in Jetstream: the density is still that of the
 * values, read at geometrically spaced x (and at x = 0 when the minimum is 0).
 *
 * A histogram stands for its values repeated `count` times, so a distinct-value histogram
 * gives the same n, A, h and f̂ as the per-client values. For quantile buckets the kernels
 * sit at bucket means (the standard deviation keeps the within-bucket variance; the IQR
 * is read from bucket means), which approximates the per-client estimate.
 */

export type BandwidthRule = "scott" | "silverman" | "normal_reference"

export const bandwidthConstants: { readonly [rule in BandwidthRule]: number } = {
  scott: 1.059,
  silverman: 0.9,
  normal_reference: 2 * (1 / 24) ** 0.2,
}

export interface KernelDensityOptions {
  readonly bandwidth: BandwidthRule
  /** Multiplies the rule's bandwidth. */
  readonly adjust: number
  readonly gridSize: number
  readonly logSpace: boolean
}

/**
 * statsmodels' spread A = min(std(x, ddof = 1), IQR/1.349), or the standard deviation
 * alone when the IQR is 0, of the data a histogram (ascending values) stands for.
 */
export const spreadOf = (histogram: ValueHistogram): number => {
  const n = totalCount(histogram)
  let total = 0
  histogram.values.forEach((value, index) => {
    total += value * (histogram.counts[index] ?? 0)
  })
  const mean = total / n
  let squares = 0
  histogram.values.forEach((value, index) => {
    const count = histogram.counts[index] ?? 0
    const withinBucket = histogram.variances?.[index] ?? 0
    squares += count * ((value - mean) ** 2 + withinBucket)
  })
  const standardDeviation = Math.sqrt(squares / (n - 1))
  const normalisedIqr =
    (histogramQuantile(histogram, 0.75) - histogramQuantile(histogram, 0.25)) / 1.349
  return normalisedIqr > 0 ? Math.min(standardDeviation, normalisedIqr) : standardDeviation
}

/** h = adjust · C · A · n^(−1/5) for a histogram with ascending values. */
export const bandwidthOf = (histogram: ValueHistogram, rule: BandwidthRule, adjust = 1): number =>
  adjust * bandwidthConstants[rule] * spreadOf(histogram) * totalCount(histogram) ** -0.2

/** Beyond 40 bandwidths e^(−z²/2) = e^(−800) is exactly 0 in doubles: such values add nothing. */
const kernelReach = 40

/** First index whose value is ≥ x, in ascending values. */
const lowerBound = (values: Float64Array, x: number): number => {
  let low = 0
  let high = values.length
  while (low < high) {
    const middle = (low + high) >> 1
    if ((values[middle] ?? 0) < x) low = middle + 1
    else high = middle
  }
  return low
}

/** f̂(x) for a histogram with ascending values, n clients and bandwidth h. */
export const densityAt = (histogram: ValueHistogram, bandwidth: number, x: number): number => {
  const { values, counts } = histogram
  const reach = kernelReach * bandwidth
  let total = 0
  for (let index = lowerBound(values, x - reach); index < values.length; index++) {
    const value = values[index] ?? Number.NaN
    if (value > x + reach) break
    const z = (x - value) / bandwidth
    total += (counts[index] ?? 0) * Math.exp(-0.5 * z * z)
  }
  return total / (totalCount(histogram) * bandwidth * Math.sqrt(2 * Math.PI))
}

/**
 * kernel_density_estimate for each branch: one row per reported x (parameter = x,
 * point = f̂(x), no interval). Branches without finite values, or whose bandwidth is not
 * positive (one client, all values equal, adjust ≤ 0), get a warning instead of rows.
 */
export const kernelDensityEstimate = (
  branches: ReadonlyMap<string, BranchValues>,
  options: KernelDensityOptions,
): StatisticOutput => {
  const rows: EstimateRow[] = []
  const warnings: string[] = []
  for (const [branch, data] of branches) {
    const histogram = gridHistogramOf(branch, data, "density", warnings)
    if (histogram === undefined) continue
    const bandwidth = bandwidthOf(histogram, options.bandwidth, options.adjust)
    if (!(bandwidth > 0 && Number.isFinite(bandwidth))) {
      warnings.push(
        `branch ${branch}: the ${options.bandwidth} bandwidth is ${bandwidth} (it needs two distinct values and adjust > 0), no density`,
      )
      continue
    }
    for (const x of reportedPointsOf(branch, histogram, options, warnings)) {
      rows.push({ branch, parameter: x, point: densityAt(histogram, bandwidth, x) })
    }
  }
  return { rows, warnings }
}
