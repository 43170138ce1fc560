/**
 * The simulated metrics of `npm run calibrate`: how one branch's clients are drawn, and the
 * population value of every quantity a statistic estimates, computed exactly (closed forms
 * or sums over the probability mass function, with a tail below 1e-18), never by simulation.
 *
 * The known effect multiplies each treated client's rate or value by `effectMultiplier`;
 * the pre-period covariate and the denominators are untouched.
 */
import normalCdf from "@stdlib/stats-base-dists-normal-cdf"
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile"
import type { ClientColumns } from "../../src/stats/compute-summary.js"
import { beta, gamma, standardNormal } from "../../src/stats/distributions.js"
import type { RandomSource } from "../../src/stats/random.js"

export const effectMultiplier = 1.05
/** bootstrap_mean, linear_model_mean and population_ratio winsorize at 1 − drop_highest (0.005). */
export const winsorizationLevel = 0.995

export type PopulationKey = "hours" | "count" | "binary10" | "binary30" | "days" | "ratio"

export interface Population {
  readonly key: PopulationKey
  readonly label: string
  readonly description: string
  readonly draw: (random: RandomSource, clients: number, treated: boolean) => ClientColumns
  /** E[Y] in a branch. */
  readonly mean: (treated: boolean) => number
  /** E[min(Y, Q(0.995))], Q the branch's own 0.995-quantile: the limit of the winsorized mean. */
  readonly winsorizedMean?: (treated: boolean) => number
  /** The population q-quantile, inf{y : F(y) ≥ q}; only for the continuous metric. */
  readonly quantile?: (q: number, treated: boolean) => number
  /** Winsorized E[numerator] / winsorized E[denominator]; only for the ratio metric. */
  readonly ratio?: (treated: boolean) => number
  /** E[numerator] / E[denominator], nothing capped; only for the ratio metric. */
  readonly plainRatio?: (treated: boolean) => number
  /** How the exact values were obtained, and anything that makes them delicate. */
  readonly truthNote: string
}

const multiplier = (treated: boolean): number => (treated ? effectMultiplier : 1)

// ---- Poisson and negative binomial -------------------------------------------------------

/** Poisson(λ) by inversion; λ above 500 as the sum of two halves (e^−λ stays representable). */
const poisson = (random: RandomSource, lambda: number): number => {
  if (lambda > 500) return poisson(random, lambda / 2) + poisson(random, lambda / 2)
  let probability = Math.exp(-lambda)
  let cumulative = probability
  let draw = 0
  const u = random.nextDouble()
  while (u > cumulative && probability > 0) {
    draw++
    probability *= lambda / draw
    cumulative += probability
  }
  return draw
}

/**
 * Binomial(n, p) by inversion, exact; n is at most a few hundred here (28 days, a client's
 * searches), and a larger n whose (1 − p)^n would underflow is split in two halves.
 */
const binomial = (random: RandomSource, trials: number, p: number): number => {
  if (trials <= 0 || p <= 0) return 0
  if (p >= 1) return trials
  let probability = (1 - p) ** trials
  if (probability < 1e-300) {
    const half = Math.floor(trials / 2)
    return binomial(random, half, p) + binomial(random, trials - half, p)
  }
  const ratio = p / (1 - p)
  let cumulative = probability
  const u = random.nextDouble()
  let draw = 0
  while (u > cumulative && draw < trials) {
    probability *= (ratio * (trials - draw)) / (draw + 1)
    cumulative += probability
    draw++
  }
  return draw
}

/** Negative binomial with this mean and size k: Poisson(λ), λ ~ Gamma(k, mean / k). */
const negativeBinomial = (random: RandomSource, mean: number, size: number): number =>
  poisson(random, (gamma(random, size) * mean) / size)

/** P(X = x) of the negative binomial (mean, size) for x = 0, 1, ... until the tail is below 1e-18. */
const negativeBinomialPmf = (mean: number, size: number): Float64Array => {
  const ratio = mean / (size + mean)
  const masses = [(size / (size + mean)) ** size]
  for (let x = 0; ; x++) {
    const next = ((masses[x] ?? 0) * (x + size) * ratio) / (x + 1)
    // The tail beyond x is at most next / (1 − ratio) once the masses decrease.
    if (x > mean && next / (1 - ratio) < 1e-18) break
    masses.push(next)
  }
  return Float64Array.from(masses)
}

/** P(C = c) for C ~ Binomial(S, p), S with the masses given. */
const thinnedPmf = (masses: Float64Array, p: number): Float64Array => {
  const result = new Float64Array(masses.length)
  masses.forEach((mass, trials) => {
    let term = (1 - p) ** trials
    for (let c = 0; c <= trials; c++) {
      result[c] = (result[c] ?? 0) + mass * term
      term *= ((trials - c) * p) / ((c + 1) * (1 - p))
    }
  })
  return result
}

export interface DiscreteWinsorization {
  /** Q = min{x : F(x) ≥ level}. */
  readonly threshold: number
  readonly below: number
  readonly atThreshold: number
  readonly winsorizedMean: number
}

/**
 * E[min(X, Q)] for X on 0, 1, 2, ... with these masses. The sample quantile converges to Q
 * when F(Q − 1) < level < F(Q) (`below`, `atThreshold` say how far they are from it).
 */
export const discreteWinsorization = (
  masses: Float64Array,
  level = winsorizationLevel,
): DiscreteWinsorization => {
  let cumulative = 0
  let threshold = masses.length - 1
  for (let x = 0; x < masses.length; x++) {
    if (cumulative + (masses[x] ?? 0) >= level) {
      threshold = x
      break
    }
    cumulative += masses[x] ?? 0
  }
  let head = 0
  for (let x = 0; x < threshold; x++) head += x * (masses[x] ?? 0)
  let tail = 0
  for (let x = masses.length - 1; x >= threshold; x--) tail += masses[x] ?? 0
  return {
    threshold,
    below: cumulative,
    atThreshold: cumulative + (masses[threshold] ?? 0),
    winsorizedMean: head + threshold * tail,
  }
}

const pmfMean = (masses: Float64Array): number =>
  masses.reduce((total, mass, x) => total + x * mass, 0)

const columnOf = (clients: number, draw: () => number): Float64Array =>
  Float64Array.from({ length: clients }, draw)

// ---- active hours: zero-inflated log-normal, with a correlated pre-period value -----------

const hoursZeros = 0.35
const hoursMu = 0
const hoursSigma = 1.5
/** Loading of the client's own engagement in each period: latent correlation 0.9² = 0.81. */
const engagement = 0.9
const hoursZeroThreshold = normalQuantile(hoursZeros, 0, 1)

/** ρ·shared + √(1 − ρ²)·own: standard normal, correlated ρ² between two periods. */
const period = (random: RandomSource, shared: number): number =>
  engagement * shared + Math.sqrt(1 - engagement * engagement) * standardNormal(random)

const hoursQuantile = (q: number, treated: boolean): number =>
  q <= hoursZeros
    ? 0
    : multiplier(treated) *
      Math.exp(hoursMu + hoursSigma * normalQuantile((q - hoursZeros) / (1 - hoursZeros), 0, 1))

/**
 * E[min(Y, c)] with c = Q(w): (1 − π)·e^(μ + σ²/2)·Φ(z − σ) + c·(1 − w), z = Φ⁻¹((w − π)/(1 − π)),
 * the partial expectation of the log-normal below c plus c times the mass above it.
 */
const hoursWinsorizedMean = (treated: boolean): number => {
  const z = normalQuantile((winsorizationLevel - hoursZeros) / (1 - hoursZeros), 0, 1)
  const cap = Math.exp(hoursMu + hoursSigma * z)
  return (
    multiplier(treated) *
    ((1 - hoursZeros) *
      Math.exp(hoursMu + (hoursSigma * hoursSigma) / 2) *
      normalCdf(z - hoursSigma, 0, 1) +
      cap * (1 - winsorizationLevel))
  )
}

const hours: Population = {
  key: "hours",
  label: "hours: 35% 0, LN(0, 1.5)",
  description:
    "active hours: 0 for 35% of clients, else log-normal (μ 0, σ 1.5; mean 2.0, sd 7.4, skewness 40); the pre-period value (linear_model_mean's covariate) shares the client's latent activity and log-level, each with loading 0.9, so both periods have exactly this distribution and correlate about 0.5",
  draw: (random, clients, treated) => {
    const scale = multiplier(treated)
    const values = new Float64Array(clients)
    const covariate = new Float64Array(clients)
    for (let client = 0; client < clients; client++) {
      const activity = standardNormal(random)
      const level = standardNormal(random)
      const pre = Math.exp(hoursMu + hoursSigma * period(random, level))
      const post = Math.exp(hoursMu + hoursSigma * period(random, level))
      covariate[client] = period(random, activity) < hoursZeroThreshold ? 0 : pre
      values[client] = period(random, activity) < hoursZeroThreshold ? 0 : scale * post
    }
    return { values, covariate }
  },
  mean: (treated) =>
    multiplier(treated) * (1 - hoursZeros) * Math.exp(hoursMu + (hoursSigma * hoursSigma) / 2),
  winsorizedMean: hoursWinsorizedMean,
  quantile: hoursQuantile,
  truthNote:
    "closed form: Q(q) = m·exp(μ + σ·Φ⁻¹((q − π)/(1 − π))) for q > π (0 below), winsorized mean (1 − π)·e^(μ+σ²/2)·Φ(z − σ) + Q(0.995)·0.005; the effect multiplies every value, so each estimand scales by 1.05",
}

// ---- counts: negative binomial -------------------------------------------------------------

const countMean = 3
const countSize = 0.5
const countMasses = (treated: boolean) =>
  negativeBinomialPmf(countMean * multiplier(treated), countSize)

const count: Population = {
  key: "count",
  label: "count: NB(3, k 0.5)",
  description:
    "a count per client (searches, bookmarks): negative binomial, mean 3, size 0.5 (variance 21, 38% zeros), i.e. Poisson with a Gamma-distributed client rate; the effect multiplies each client's rate by 1.05",
  draw: (random, clients, treated) => ({
    values: columnOf(clients, () =>
      negativeBinomial(random, countMean * multiplier(treated), countSize),
    ),
  }),
  mean: (treated) => pmfMean(countMasses(treated)),
  winsorizedMean: (treated) => discreteWinsorization(countMasses(treated)).winsorizedMean,
  truthNote: "sums over the negative binomial pmf, Q(0.995) its smallest x with F(x) ≥ 0.995",
}

// ---- binary ---------------------------------------------------------------------------------

const binary = (key: PopulationKey, p: number): Population => ({
  key,
  label: `binary: p ${p}`,
  description: `a conversion: Bernoulli(${p}); the effect multiplies p by 1.05`,
  draw: (random, clients, treated) => {
    const success = p * multiplier(treated)
    return { values: columnOf(clients, () => (random.nextDouble() < success ? 1 : 0)) }
  },
  mean: (treated) => p * multiplier(treated),
  // Q(0.995) = 1 since p > 0.005: winsorizing leaves 0/1 values as they are.
  winsorizedMean: (treated) => p * multiplier(treated),
  truthNote: "p, and 1.05·p; Q(0.995) = 1, so winsorizing changes nothing",
})

// ---- days of use: beta-binomial out of 28 --------------------------------------------------

const dayShapes = [0.6, 0.9] as const
/** Client activity rates 0.95·Beta(0.6, 0.9): times 1.05 they stay below 1. */
const dayRateCap = 0.95

const days: Population = {
  key: "days",
  label: "days of use: 0-28",
  description:
    "days of use out of 28: Binomial(28, r), the client's rate r = 0.95·Beta(0.6, 0.9) (U-shaped, mean 10.6 days, 11% zero days); the effect multiplies r by 1.05",
  draw: (random, clients, treated) => ({
    values: columnOf(clients, () =>
      binomial(
        random,
        28,
        dayRateCap * multiplier(treated) * beta(random, dayShapes[0], dayShapes[1]),
      ),
    ),
  }),
  mean: (treated) =>
    28 * dayRateCap * multiplier(treated) * (dayShapes[0] / (dayShapes[0] + dayShapes[1])),
  truthNote:
    "mean 28·0.95·m·0.6/1.5; per_client_dau_impact's difference is (number of clients, 2n) × the difference of means",
}

// ---- ratio: clicks / searches --------------------------------------------------------------

const searchMean = 6
const searchSize = 0.7
const clickRate = 0.3
const searchMasses = negativeBinomialPmf(searchMean, searchSize)
const clickMasses = (treated: boolean) => thinnedPmf(searchMasses, clickRate * multiplier(treated))

const ratio: Population = {
  key: "ratio",
  label: "ratio: clicks/searches",
  description:
    "search click-through: searches negative binomial (mean 6, size 0.7, 21% of clients none), clicks Binomial(searches, 0.3); the effect multiplies the click probability by 1.05; population_ratio winsorizes clicks and searches separately",
  draw: (random, clients, treated) => {
    const numerator = new Float64Array(clients)
    const denominator = new Float64Array(clients)
    const rate = clickRate * multiplier(treated)
    for (let client = 0; client < clients; client++) {
      const searches = negativeBinomial(random, searchMean, searchSize)
      denominator[client] = searches
      numerator[client] = binomial(random, searches, rate)
    }
    return { values: numerator, numerator, denominator }
  },
  mean: (treated) => searchMean * clickRate * multiplier(treated),
  winsorizedMean: (treated) => discreteWinsorization(clickMasses(treated)).winsorizedMean,
  ratio: (treated) =>
    discreteWinsorization(clickMasses(treated)).winsorizedMean /
    discreteWinsorization(searchMasses).winsorizedMean,
  // E[clicks | searches] = rate · searches, so E[clicks] / E[searches] is the click rate.
  plainRatio: (treated) => clickRate * multiplier(treated),
  truthNote:
    "winsorized E[clicks] / winsorized E[searches] from the exact pmfs (clicks: the binomial thinning of the negative binomial); the clicks' cap does not scale with the effect, so the uplift is not exactly 5%",
}

export const populations: ReadonlyArray<Population> = [
  hours,
  count,
  binary("binary10", 0.1),
  binary("binary30", 0.3),
  days,
  ratio,
]

export const populationOf = (key: PopulationKey): Population => {
  const found = populations.find((population) => population.key === key)
  if (found === undefined) throw new Error(`no population ${key}`)
  return found
}

/** The thresholds of the discrete winsorizations, to show how clear of 0.995 F(Q − 1), F(Q) are. */
export const discreteThresholds = (): ReadonlyArray<{
  readonly what: string
  readonly winsorization: DiscreteWinsorization
}> => [
  { what: "count, control", winsorization: discreteWinsorization(countMasses(false)) },
  { what: "count, treatment", winsorization: discreteWinsorization(countMasses(true)) },
  { what: "searches", winsorization: discreteWinsorization(searchMasses) },
  { what: "clicks, control", winsorization: discreteWinsorization(clickMasses(false)) },
  { what: "clicks, treatment", winsorization: discreteWinsorization(clickMasses(true)) },
]
