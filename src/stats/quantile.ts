/**
 * The q-quantile of ascending data, interpolating linearly between order statistics
 * (Hyndman & Fan type 7, numpy's default): position q·(n − 1).
 */
export const quantileOfSorted = (sorted: Float64Array, q: number): number => {
  const n = sorted.length
  if (n === 0) return Number.NaN
  const position = q * (n - 1)
  const below = Math.floor(position)
  const above = Math.min(below + 1, n - 1)
  const fraction = position - below
  const low = sorted[below] ?? Number.NaN
  const high = sorted[above] ?? Number.NaN
  return fraction === 0 ? low : low + (high - low) * fraction
}

/** A sorted copy (typed-array sort is numeric, NaN last). */
export const sortedCopy = (values: Float64Array): Float64Array => Float64Array.from(values).sort()

export const mean = (values: Float64Array): number => {
  let total = 0
  for (const value of values) total += value
  return values.length === 0 ? Number.NaN : total / values.length
}
