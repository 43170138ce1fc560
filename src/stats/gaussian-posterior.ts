import normalCdf from "@stdlib/stats-base-dists-normal-cdf"
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile"
import { intervalQuantiles } from "./estimate.js"

/** A proper Gaussian prior on an effect, N(mean, stddev²). A flat prior is its absence. */
export interface GaussianPrior {
  readonly mean: number
  readonly stddev: number
}

/** The posterior of an effect, N(mean, stddev²). */
export interface GaussianPosterior {
  readonly mean: number
  readonly stddev: number
}

/**
 * The posterior of an effect whose estimate is normal around it with `variance` (the
 * effect's sampling variance), as gbstats' EffectBayesianABTest (growthbook/growthbook,
 * packages/stats/gbstats/bayesian/tests.py) with a GaussianPrior:
 *
 * - flat (no `prior`, gbstats' proper = False): N(estimate, variance);
 * - proper N(μ₀, τ²): precision 1/variance + 1/τ², mean (estimate/variance + μ₀/τ²)/precision,
 *   stddev √(1/precision).
 *
 * `undefined` when the variance is not positive and finite: gbstats refuses such data.
 */
export const gaussianPosterior = (
  estimate: number,
  variance: number,
  prior?: GaussianPrior,
): GaussianPosterior | undefined => {
  if (!(Number.isFinite(estimate) && variance > 0 && Number.isFinite(variance))) return undefined
  if (prior === undefined) return { mean: estimate, stddev: Math.sqrt(variance) }
  const priorVariance = prior.stddev * prior.stddev
  const precision = 1 / variance + 1 / priorVariance
  return {
    mean: (estimate / variance + prior.mean / priorVariance) / precision,
    stddev: Math.sqrt(1 / precision),
  }
}

/**
 * A prior on the relative effect carried to the absolute effect over a reference mean `base`:
 * N(μ₀·|base|, τ²·base²), as gbstats rescales a relative prior for an absolute test.
 */
export const absolutePrior = (relative: GaussianPrior, base: number): GaussianPrior => ({
  mean: relative.mean * Math.abs(base),
  stddev: relative.stddev * Math.abs(base),
})

/** The central credible interval at `confidence`: the posterior's (α/2, 1 − α/2) quantiles. */
export const credibleInterval = (
  posterior: GaussianPosterior,
  confidence: number,
): readonly [lower: number, upper: number] => {
  const [low, high] = intervalQuantiles(confidence)
  return [
    normalQuantile(low, posterior.mean, posterior.stddev),
    normalQuantile(high, posterior.mean, posterior.stddev),
  ]
}

/** P(effect > 0) = Φ(mean/stddev): gbstats' chance to win, norm.sf(0, mean, stddev). */
export const chanceOfPositive = (posterior: GaussianPosterior): number =>
  normalCdf(posterior.mean / posterior.stddev, 0, 1)
