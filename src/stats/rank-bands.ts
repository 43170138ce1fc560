/**
 * The ranks a quantile bootstrap can reach. The q-quantile of a bootstrap resample of n sorted
 * values is the value at rank Binomial(n − 1, q) (Schultzberg & Ankargren, 2022), so only the
 * order statistics where that binomial has its mass are ever read: a band of a few standard
 * deviations, about √n ranks, around q·(n − 1). The warehouse returns exactly those values
 * (src/sql/push-down-query.ts, `buildOrderStatisticsQuery`, with the same constants), and the
 * rank draws come from the binomial restricted to the band.
 */

/** Standard deviations of Binomial(n − 1, q) on each side of the band. */
export const bandStandardDeviations = 8

/**
 * Ranks added on each side beyond the standard deviations: for small n the binomial's tail is
 * wider than a normal's, and a few ranks more cost nothing.
 */
export const bandMarginRanks = 10

export interface RankBand {
  /** First rank (0-based) of the band. */
  readonly low: number
  /** Last rank (0-based) of the band, inclusive. */
  readonly high: number
}

/** The band of 0-based ranks Binomial(n − 1, q) reaches with any probability that matters. */
export const rankBand = (n: number, q: number): RankBand => {
  if (n <= 0) return { low: 0, high: -1 }
  const center = q * (n - 1)
  const halfWidth = bandStandardDeviations * Math.sqrt((n - 1) * q * (1 - q)) + bandMarginRanks
  return {
    low: Math.max(0, Math.floor(center - halfWidth)),
    high: Math.min(n - 1, Math.ceil(center + halfWidth)),
  }
}

/**
 * A sampler of Binomial(trials, q) restricted to `band`, by inversion of its distribution
 * function tabulated over the band: the probabilities come from the mode outwards by the
 * ratio pmf(k + 1) / pmf(k) = (trials − k) / (k + 1) · q / (1 − q) and are normalised over
 * the band. Outside the band lies less than 1e-12 of the mass (eight standard deviations and
 * ten ranks: test/stats/rank-bands.test.ts measures it against the exact tail), so the draws
 * are those of the binomial itself at any n, unlike a normal approximation, whose skew error
 * is largest for the extreme deciles of small branches.
 */
export const bandedBinomialSampler = (
  trials: number,
  q: number,
  band: RankBand,
): ((uniform: number) => number) => {
  const size = band.high - band.low + 1
  if (size <= 1 || q <= 0 || q >= 1) {
    const only = q <= 0 ? 0 : q >= 1 ? trials : band.low
    return () => only
  }
  const mode = Math.min(band.high, Math.max(band.low, Math.floor((trials + 1) * q)))
  const odds = q / (1 - q)
  const weights = new Float64Array(size)
  weights[mode - band.low] = 1
  for (let rank = mode; rank < band.high; rank++) {
    weights[rank + 1 - band.low] =
      (weights[rank - band.low] ?? 0) * ((trials - rank) / (rank + 1)) * odds
  }
  for (let rank = mode; rank > band.low; rank--) {
    weights[rank - 1 - band.low] =
      ((weights[rank - band.low] ?? 0) * (rank / (trials - rank + 1))) / odds
  }
  const cumulative = new Float64Array(size)
  let running = 0
  for (let index = 0; index < size; index++) {
    running += weights[index] ?? 0
    cumulative[index] = running
  }
  const total = running
  return (uniform) => {
    const target = uniform * total
    let low = 0
    let high = size - 1
    while (low < high) {
      const middle = (low + high) >> 1
      if ((cumulative[middle] ?? 0) > target) high = middle
      else low = middle + 1
    }
    return band.low + low
  }
}
