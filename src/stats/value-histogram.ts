import { quantileOfSorted, quantilesOf, sortedCopy } from "./quantile.js"

/**
 * A branch's metric values as the warehouse can return them: distinct values with their
 * counts (exact), or, when there are more distinct values than a bound, quantile buckets
 * that keep each bucket's count, mean and variance (so the spread inside a bucket is not
 * lost). The Bayesian bootstrap, deciles and densities all read this shape.
 */
export interface ValueHistogram {
  /** Ascending distinct values, or bucket means. */
  readonly values: Float64Array
  readonly counts: Float64Array
  /** Present for buckets: the population variance of the values inside each bucket. */
  readonly variances?: Float64Array
}

/**
 * Distinct values kept exact per branch before quantile buckets, on every path (the daily
 * run's push-down, analyze-table's per-client columns). The bootstrap's cost grows with them
 * (num_samples × values); bucketing keeps the draws' mean and variance exact for any number
 * of buckets (only higher moments inside a bucket are approximated), and at 500 the interval
 * stays within Monte Carlo error of the exact per-client one from 10k to 1M clients per
 * branch (`npm run bench:accuracy`, docs/statistics.md).
 */
export const defaultMaxBuckets = 500

export const totalCount = (histogram: ValueHistogram): number => {
  let total = 0
  for (const count of histogram.counts) total += count
  return total
}

/** The histogram of per-client values: exact up to `maxBuckets` distinct values. */
export const histogramOf = (values: Float64Array, maxBuckets = defaultMaxBuckets): ValueHistogram =>
  histogramOfSorted(sortedCopy(values), maxBuckets)

/**
 * `histogramOf(winsorize(values, q), maxBuckets)`, to the bit, sorting once and copying
 * nothing else: the cap is the sorted values' q-quantile, and capping the top of sorted
 * values keeps them sorted.
 */
export const winsorizedHistogramOf = (
  values: Float64Array,
  q: number,
  maxBuckets = defaultMaxBuckets,
): ValueHistogram => {
  const sorted = sortedCopy(values)
  if (q >= 1) return histogramOfSorted(sorted, maxBuckets)
  const threshold = quantileOfSorted(sorted, q)
  // A NaN cap (a NaN at the quantile's rank) makes every value NaN: winsorize says how.
  if (Number.isNaN(threshold)) return histogramOf(winsorize(values, q), maxBuckets)
  // NaN sorts last and stays NaN, as Math.min leaves it; every value above the cap is capped.
  for (let index = sorted.length - 1; index >= 0 && !((sorted[index] ?? 0) <= threshold); index--) {
    if (!Number.isNaN(sorted[index])) sorted[index] = threshold
  }
  return histogramOfSorted(sorted, maxBuckets)
}

/** `histogramOf` of values already in ascending order (NaN last). */
const histogramOfSorted = (sorted: Float64Array, maxBuckets: number): ValueHistogram => {
  let distinct = 0
  for (let index = 0; index < sorted.length; index++) {
    if (index === 0 || sorted[index] !== sorted[index - 1]) distinct++
  }
  if (distinct <= maxBuckets) {
    const unique = new Float64Array(distinct)
    const counts = new Float64Array(distinct)
    let slot = -1
    for (let index = 0; index < sorted.length; index++) {
      if (index === 0 || sorted[index] !== sorted[index - 1]) {
        slot++
        unique[slot] = sorted[index] ?? 0
      }
      counts[slot] = (counts[slot] ?? 0) + 1
    }
    return { values: unique, counts }
  }
  return quantileBuckets(sorted, maxBuckets)
}

/** Equal-count buckets by rank over ascending values, each with count, mean and variance. */
const quantileBuckets = (sorted: Float64Array, buckets: number): ValueHistogram => {
  const n = sorted.length
  const counts = new Float64Array(buckets)
  const sums = new Float64Array(buckets)
  const sumSquares = new Float64Array(buckets)
  for (let index = 0; index < n; index++) {
    const bucket = Math.min(buckets - 1, Math.floor((index * buckets) / n))
    const value = sorted[index] ?? 0
    counts[bucket] = (counts[bucket] ?? 0) + 1
    sums[bucket] = (sums[bucket] ?? 0) + value
    sumSquares[bucket] = (sumSquares[bucket] ?? 0) + value * value
  }
  return histogramFromSums(counts, sums, sumSquares)
}

/** A bucket as the warehouse sums it. */
interface BucketSums {
  count: number
  sum: number
  squares: number
}

/**
 * The tolerance within which a bucket holds one value, and two buckets the same one: far
 * above the summing order's noise (about n·2⁻⁵³ relative, on any number of threads), so the
 * answer does not change between reruns, and far below any spacing of real metric values.
 */
const oneValueTolerance = 1e-9

const holdsOneValue = ({ count, sum, squares }: BucketSums): boolean => {
  const mean = sum / count
  const meanSquare = squares / count
  return meanSquare - mean * mean <= oneValueTolerance * meanSquare
}

const sameSingleValue = (bucket: BucketSums, other: BucketSums): boolean => {
  const mean = bucket.sum / bucket.count
  const otherMean = other.sum / other.count
  return (
    holdsOneValue(bucket) &&
    holdsOneValue(other) &&
    Math.abs(mean - otherMean) <= oneValueTolerance * Math.max(Math.abs(mean), Math.abs(otherMean))
  )
}

/**
 * Buckets from (count, Σy, Σy²), as the warehouse's push-down returns them, in rank order.
 * Empty buckets are dropped; a variance within rounding of zero is zero; neighbouring buckets
 * of one and the same value (a metric's 40% of zeros fills 200 of 500 equal-count buckets)
 * are one bucket, whose sums are theirs added. That changes no statistic's distribution —
 * Gamma draws of one scale add up to a Gamma of the summed shapes, so the bootstrap's weights
 * are the same in law — and the bootstrap draws one Gamma per bucket per sample.
 */
export const histogramFromSums = (
  counts: Float64Array,
  sums: Float64Array,
  sumSquares: Float64Array,
): ValueHistogram => {
  const buckets: BucketSums[] = []
  for (let source = 0; source < counts.length; source++) {
    const bucket = {
      count: counts[source] ?? 0,
      sum: sums[source] ?? 0,
      squares: sumSquares[source] ?? 0,
    }
    if (!(bucket.count > 0)) continue
    const last = buckets[buckets.length - 1]
    if (last !== undefined && sameSingleValue(last, bucket)) {
      last.count += bucket.count
      last.sum += bucket.sum
      last.squares += bucket.squares
    } else buckets.push(bucket)
  }
  const values = new Float64Array(buckets.length)
  const variances = new Float64Array(buckets.length)
  buckets.forEach(({ count, sum, squares }, index) => {
    const bucketMean = sum / count
    const meanSquare = squares / count
    const variance = meanSquare - bucketMean * bucketMean
    values[index] = bucketMean
    // Below rounding of Σy²/n a variance is noise of the summing order: a bucket of equal values.
    variances[index] = variance > 1e-12 * Math.max(1e-300, meanSquare) ? variance : 0
  })
  return { values, counts: Float64Array.from(buckets, ({ count }) => count), variances }
}

/**
 * The q-quantile of the data a histogram stands for, as type 7 would give on the expanded
 * data (exact for an exact histogram; bucket means for buckets).
 */
export const histogramQuantile = (histogram: ValueHistogram, q: number): number => {
  const n = totalCount(histogram)
  if (n === 0) return Number.NaN
  const position = q * (n - 1)
  const valueAtRank = (rank: number): number => {
    let seen = 0
    for (let index = 0; index < histogram.counts.length; index++) {
      seen += histogram.counts[index] ?? 0
      if (rank < seen) return histogram.values[index] ?? Number.NaN
    }
    return histogram.values[histogram.values.length - 1] ?? Number.NaN
  }
  const below = Math.floor(position)
  const low = valueAtRank(below)
  const high = valueAtRank(Math.min(below + 1, n - 1))
  return low + (high - low) * (position - below)
}

/**
 * Caps values above the q-quantile at that quantile (mozanalysis' filter_outliers: a
 * per-branch winsorization, not a removal), numpy's linear quantile of the per-client values.
 */
export const winsorize = (values: Float64Array, q: number): Float64Array => {
  if (q >= 1) return values
  const threshold = quantilesOf(values, [q])[0] ?? Number.NaN
  return values.map((value) => Math.min(value, threshold))
}
