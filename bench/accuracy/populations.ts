import { gamma, standardNormal } from "../../src/stats/distributions.js"
import type { RandomSource } from "../../src/stats/random.js"

/**
 * Per-client metrics of the kinds the accuracy benchmark checks, one column each, drawn from
 * a seeded stream so every run sees the same clients. The treatment multiplies each by its
 * `lift` so that comparisons have something to find.
 */
export interface Clients {
  /** Zero-inflated heavy-tailed continuous: 40% zeros, log-normal(1, 1.5) hours otherwise. */
  readonly hours: Float64Array
  /** Low cardinality: days of use in 0..28. */
  readonly days: Float64Array
  /** A ratio's columns: searches ~ negative binomial (mean 6), clicks ~ Binomial(searches, 0.2). */
  readonly clicks: Float64Array
  readonly searches: Float64Array
}

const poisson = (random: RandomSource, mean: number): number => {
  // Inversion: means here are small (a few searches).
  let k = 0
  let probability = Math.exp(-mean)
  let cumulative = probability
  const u = random.nextDouble()
  while (u > cumulative && k < 10_000) {
    k++
    probability *= mean / k
    cumulative += probability
  }
  return k
}

export const generateClients = (n: number, lift: number, random: RandomSource): Clients => {
  const hours = new Float64Array(n)
  const days = new Float64Array(n)
  const clicks = new Float64Array(n)
  const searches = new Float64Array(n)
  for (let client = 0; client < n; client++) {
    hours[client] =
      random.nextDouble() < 0.4 ? 0 : lift * Math.exp(1 + 1.5 * standardNormal(random))
    days[client] = Math.max(0, Math.min(28, Math.round(lift * (12 + 8 * standardNormal(random)))))
    // Gamma–Poisson mixture with shape 2: overdispersed like real search counts.
    const searchCount = poisson(random, (lift * 6 * gamma(random, 2)) / 2)
    searches[client] = searchCount
    let clickCount = 0
    for (let search = 0; search < searchCount; search++) {
      if (random.nextDouble() < 0.2) clickCount++
    }
    clicks[client] = clickCount
  }
  return { hours, days, clicks, searches }
}
