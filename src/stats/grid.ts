import type { ValueHistogram } from "./value-histogram.js"

/**
 * The grid on which kernel_density_estimate and empirical_cdf report a branch's
 * distribution, as Jetstream's `_make_grid` builds it (jetstream/statistics.py):
 *
 * - linear: numpy.linspace(min, max, size), xᵢ = min + i·(max − min)/(size − 1), the last
 *   point exactly max;
 * - geometric (log_space): numpy.geomspace(start, max, size),
 *   xᵢ = 10^(log₁₀ start + i·(log₁₀ max − log₁₀ start)/(size − 1)), the first point exactly
 *   start and the last exactly max. When the minimum is 0 the grid starts at the second
 *   smallest distinct value and the statistics report x = 0 ahead of it;
 * - log_space on data with a negative minimum or a maximum ≤ 0 falls back to the linear
 *   grid, with Jetstream's message.
 *
 * The grid spans the finite values only (Jetstream would span ±∞ and return NaN points).
 */

export const defaultGridSize = 256

/** Jetstream's warning, word for word, when log_space cannot be honoured. */
export const geometricGridRefusal =
  "Refusing to create a geometric grid for a series with negative or all-zero values"

export interface EvaluationGrid {
  readonly points: Float64Array
  readonly geometric: boolean
  /**
   * The data's minimum is 0 and the grid is geometric, so it starts above 0: the
   * statistics also report x = 0, ahead of the grid, as Jetstream does.
   */
  readonly reportsZero: boolean
  /** Why the grid is not the one asked for. */
  readonly message?: string
}

export interface GridOptions {
  readonly size?: number
  readonly logSpace?: boolean
}

const requireSize = (size: number): number => {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`a grid needs a positive whole number of points, got ${size}`)
  }
  return size
}

/** numpy.linspace(start, stop, size) with its endpoint, computed as numpy does. */
export const linearGrid = (start: number, stop: number, size: number): Float64Array => {
  if (requireSize(size) === 1) return Float64Array.of(start)
  const points = new Float64Array(size)
  const intervals = size - 1
  const span = stop - start
  const step = span / intervals
  for (let index = 0; index < size; index++) {
    // numpy divides before multiplying when the step underflows to 0 (numpy gh-5437).
    points[index] = (step === 0 ? (index / intervals) * span : index * step) + start
  }
  points[intervals] = stop
  return points
}

/** numpy.geomspace(start, stop, size) for 0 < start ≤ stop: powers of 10 of a linear grid of logs. */
export const geometricGrid = (start: number, stop: number, size: number): Float64Array => {
  const exponents = linearGrid(Math.log10(start), Math.log10(stop), size)
  const points = exponents.map((exponent) => 10 ** exponent)
  points[0] = start
  if (size > 1) points[size - 1] = stop
  return points
}

/** The smallest, second smallest distinct and largest finite values (NaN where absent). */
const extremes = (values: Float64Array) => {
  let smallest = Number.POSITIVE_INFINITY
  let secondSmallest = Number.POSITIVE_INFINITY
  let largest = Number.NEGATIVE_INFINITY
  for (const value of values) {
    if (!Number.isFinite(value)) continue
    if (value < smallest) {
      secondSmallest = smallest
      smallest = value
    } else if (value > smallest && value < secondSmallest) {
      secondSmallest = value
    }
    if (value > largest) largest = value
  }
  const orNaN = (value: number) => (Number.isFinite(value) ? value : Number.NaN)
  return {
    smallest: orNaN(smallest),
    secondSmallest: orNaN(secondSmallest),
    largest: orNaN(largest),
  }
}

/**
 * Jetstream's grid over a branch's values (duplicates allowed; for a histogram, pass the
 * values that have clients). Non-finite values are ignored; no finite value, no points.
 */
export const evaluationGrid = (values: Float64Array, options: GridOptions = {}): EvaluationGrid => {
  const size = requireSize(options.size ?? defaultGridSize)
  const { smallest, secondSmallest, largest } = extremes(values)
  if (Number.isNaN(smallest)) {
    return {
      points: new Float64Array(),
      geometric: false,
      reportsZero: false,
      message: "no finite values to span",
    }
  }
  if (options.logSpace === true) {
    if (smallest < 0 || largest <= 0) {
      return {
        points: linearGrid(smallest, largest, size),
        geometric: false,
        reportsZero: false,
        message: geometricGridRefusal,
      }
    }
    const start = smallest === 0 ? secondSmallest : smallest
    return {
      points: geometricGrid(start, largest, size),
      geometric: true,
      reportsZero: smallest === 0,
    }
  }
  return { points: linearGrid(smallest, largest, size), geometric: false, reportsZero: false }
}

/** The x values a statistic reports: 0 first when the grid says so, then the grid. */
export const evaluationPoints = (grid: EvaluationGrid): Float64Array => {
  if (!grid.reportsZero) return grid.points
  const points = new Float64Array(grid.points.length + 1)
  points.set(grid.points, 1)
  return points
}

/** A branch's metric values: per-client values, or their histogram pushed down by the warehouse. */
export type BranchValues = Float64Array | ValueHistogram

export interface FiniteHistogram {
  /** Ascending finite values with positive counts (bucket variances carried along). */
  readonly histogram: ValueHistogram
  /** Clients left out because their value is null (NaN) or infinite. */
  readonly leftOut: number
}

/**
 * What the grid statistics read from a branch: an ascending histogram of its finite values.
 * Per-client values are tallied exactly, so values and their distinct-value histogram give
 * the same histogram, and therefore the same grid and estimates.
 */
export const finiteHistogramOf = (data: BranchValues): FiniteHistogram => {
  if (data instanceof Float64Array) return tally(data)
  const order: number[] = []
  let leftOut = 0
  data.values.forEach((value, index) => {
    const count = data.counts[index] ?? 0
    if (!(count > 0)) return
    if (Number.isFinite(value)) order.push(index)
    else leftOut += count
  })
  order.sort((left, right) => (data.values[left] ?? 0) - (data.values[right] ?? 0))
  const values = Float64Array.from(order, (index) => data.values[index] ?? Number.NaN)
  const counts = Float64Array.from(order, (index) => data.counts[index] ?? 0)
  const bucketVariances = data.variances
  if (bucketVariances === undefined) return { histogram: { values, counts }, leftOut }
  const variances = Float64Array.from(order, (index) => bucketVariances[index] ?? 0)
  return { histogram: { values, counts, variances }, leftOut }
}

const tally = (data: Float64Array): FiniteHistogram => {
  const sorted = data.filter(Number.isFinite).sort()
  const values: number[] = []
  const counts: number[] = []
  for (const value of sorted) {
    if (values.length > 0 && values[values.length - 1] === value) {
      counts[counts.length - 1] = (counts[counts.length - 1] ?? 0) + 1
    } else {
      values.push(value)
      counts.push(1)
    }
  }
  return {
    histogram: { values: Float64Array.from(values), counts: Float64Array.from(counts) },
    leftOut: data.length - sorted.length,
  }
}

/**
 * A branch's finite histogram for a grid statistic (`what`: "density", "CDF"), with the
 * warnings every grid statistic gives: values left out, no value at all, buckets only.
 */
export const gridHistogramOf = (
  branch: string,
  data: BranchValues,
  what: string,
  warnings: string[],
): ValueHistogram | undefined => {
  const { histogram, leftOut } = finiteHistogramOf(data)
  if (leftOut > 0) {
    warnings.push(`branch ${branch}: ${leftOut} null or infinite values left out of the ${what}`)
  }
  if (histogram.counts.length === 0) {
    warnings.push(`branch ${branch}: no finite values, no ${what}`)
    return undefined
  }
  if (histogram.variances !== undefined) {
    warnings.push(
      `branch ${branch}: ${what} from ${histogram.values.length} quantile buckets, approximate`,
    )
  }
  return histogram
}

/** The x values a grid statistic reports for a branch, with the grid's message as a warning. */
export const reportedPointsOf = (
  branch: string,
  histogram: ValueHistogram,
  options: { readonly gridSize: number; readonly logSpace: boolean },
  warnings: string[],
): Float64Array => {
  const grid = evaluationGrid(histogram.values, {
    size: options.gridSize,
    logSpace: options.logSpace,
  })
  if (grid.message !== undefined) warnings.push(`branch ${branch}: ${grid.message}`)
  return evaluationPoints(grid)
}
