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

/**
 * Hoare's partition of `values[left..right]` around the median of its first, middle and last
 * values: afterwards nothing before `i` is above the pivot, nothing after `j` is below it,
 * and entries strictly between `j` and `i` equal it. Returns [i, j].
 */
const partition = (values: Float64Array, left: number, right: number): [number, number] => {
  const a = values[left] ?? 0
  const b = values[(left + right) >> 1] ?? 0
  const c = values[right] ?? 0
  const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c))
  let i = left
  let j = right
  while (i <= j) {
    while ((values[i] ?? 0) < pivot) i++
    while ((values[j] ?? 0) > pivot) j--
    if (i <= j) {
      const swap = values[i] ?? 0
      values[i] = values[j] ?? 0
      values[j] = swap
      i++
      j--
    }
  }
  return [i, j]
}

/**
 * Moves the k-th smallest value of `values[from..to]` to index k, smaller ones before it and
 * larger ones after (Hoare's selection, median-of-three pivots): expected linear time, where
 * sorting is n·log n. No NaN in `values`: comparisons with NaN are false.
 */
export const selectRank = (values: Float64Array, k: number, from: number, to: number): void => {
  let left = from
  let right = to
  while (right > left) {
    const [i, j] = partition(values, left, right)
    if (k <= j) right = j
    else if (k >= i) left = i
    else return
  }
}

/**
 * `selectRank` for every rank of `ranks` (ascending, within `from..to`) at once: each
 * partition goes on only into the sides that hold a rank still wanted. k ranks cost about
 * n·log k comparisons, where selecting them one after another over what is left costs up to
 * k·n. No NaN in `values`.
 */
export const selectRanks = (
  values: Float64Array,
  ranks: ReadonlyArray<number>,
  from: number,
  to: number,
): void => {
  if (ranks.length === 0 || to <= from) return
  if (ranks.length === 1) {
    selectRank(values, ranks[0] ?? from, from, to)
    return
  }
  const [i, j] = partition(values, from, to)
  selectRanks(
    values,
    ranks.filter((rank) => rank <= j),
    from,
    j,
  )
  selectRanks(
    values,
    ranks.filter((rank) => rank >= i),
    i,
    to,
  )
}

/**
 * `quantileOfSorted(sortedCopy(values), q)` for each of `levels`, to the bit, without sorting:
 * each level's two order statistics are selected. A summary reads two quantiles of each of
 * its thousands of draws, many times per statistic (every branch, pair and decile).
 */
export const quantilesOf = (
  values: Float64Array,
  levels: ReadonlyArray<number>,
): ReadonlyArray<number> => {
  const n = values.length
  if (n === 0) return levels.map(() => Number.NaN)
  if (values.some(Number.isNaN)) {
    const sorted = sortedCopy(values)
    return levels.map((q) => quantileOfSorted(sorted, q))
  }
  const work = Float64Array.from(values)
  return levels.map((q) => {
    const position = q * (n - 1)
    const below = Math.floor(position)
    const fraction = position - below
    selectRank(work, below, 0, n - 1)
    const low = work[below] ?? Number.NaN
    if (fraction === 0 || below + 1 >= n) return low
    // After selection every value past `below` is at least `low`: the next order statistic is their minimum.
    let high = Number.POSITIVE_INFINITY
    for (let index = below + 1; index < n; index++) high = Math.min(high, work[index] ?? high)
    return low + (high - low) * fraction
  })
}
