import { type Comparison, type EstimateRow, orderedPairs } from "./estimate.js"
import {
  absolutePrior,
  chanceOfPositive,
  credibleInterval,
  type GaussianPosterior,
  type GaussianPrior,
  gaussianPosterior,
} from "./gaussian-posterior.js"
import type { StatisticOutput } from "./sample-summary.js"
import { criticalT } from "./student-t.js"
import type { BranchComparisons } from "./t-test.js"
import { invalidConfidence } from "./t-test.js"

export interface BayesianGaussianOptions {
  readonly confidence: number
  /** The prior on the relative uplift (gbstats' prior_type "relative"); absent: flat. */
  readonly prior?: GaussianPrior
}

/**
 * gbstats' Gaussian Bayesian test (EffectBayesianABTest with a GaussianPrior,
 * growthbook/growthbook packages/stats/gbstats/bayesian/tests.py) on each ordered pair of
 * `comparisons` (every branch the reference of every other, rows in branch order):
 *
 * - `relative_uplift`: the posterior of R = D/|μ_r| from its estimate and delta-method
 *   variance (gaussian-posterior.ts), the prior as given;
 * - `difference`: the posterior of D = μ_f − μ_r from its estimate and variance
 *   s_f²/n_f + s_r²/n_r, the prior carried to the absolute scale, N(μ₀·|μ_r|, τ²·μ_r²), as
 *   gbstats does for an absolute test with a relative prior;
 * - `chance_to_beat`: P(R > 0) under the relative posterior (gbstats' chance to win, whose
 *   default is the relative test), in `point`, without bounds.
 *
 * Points are posterior means, bounds the central credible interval. Each branch's own row is
 * its mean with the one-sample t interval μ ± t_{(1+c)/2, n−1}·s/√n, t_test's: the posterior
 * of a normal mean under the flat prior p(μ, σ²) ∝ 1/σ² (the prior applies to effects, not to
 * branch means); a point alone below 2 clients.
 *
 * A reference mean of 0 has no relative uplift or chance to beat, and with a proper prior no
 * difference either (the prior has no absolute scale; gbstats refuses it); a comparison whose
 * variance is not positive (a branch below 2 clients, or no variation) has no posterior.
 * Each is said in `warnings`, which this adds to.
 */
export const bayesianGaussian = (
  { moments, partsOf }: BranchComparisons,
  { confidence, prior }: BayesianGaussianOptions,
  warnings: string[],
): StatisticOutput => {
  const invalid = invalidConfidence(confidence)
  if (invalid !== undefined) return invalid
  const rows: EstimateRow[] = []
  for (const [branch, { n, mean, variance }] of moments) {
    if (n < 2) {
      rows.push({ branch, point: mean })
      continue
    }
    const halfWidth = criticalT(confidence, n - 1) * Math.sqrt(variance / n)
    rows.push({ branch, point: mean, lower: mean - halfWidth, upper: mean + halfWidth })
  }

  for (const [focusBranch, referenceBranch] of orderedPairs([...moments.keys()])) {
    const parts = partsOf(focusBranch, referenceBranch)
    if (parts === undefined) continue
    const { focus, reference, base } = parts
    const pair = { branch: focusBranch, comparisonToBranch: referenceBranch }
    const estimate = focus.mean - reference.mean
    const variance = focus.variance / focus.n + reference.variance / reference.n
    const difference =
      base === 0 && prior !== undefined
        ? undefined
        : gaussianPosterior(estimate, variance, prior && absolutePrior(prior, base))
    const relative =
      base === 0
        ? undefined
        : gaussianPosterior(estimate / Math.abs(base), parts.relativeVariance, prior)

    const posteriorRow = (comparison: Comparison, posterior: GaussianPosterior) => {
      const [lower, upper] = credibleInterval(posterior, confidence)
      rows.push({ ...pair, comparison, point: posterior.mean, lower, upper })
    }
    if (difference !== undefined) posteriorRow("difference", difference)
    if (relative !== undefined) {
      posteriorRow("relative_uplift", relative)
      rows.push({ ...pair, comparison: "chance_to_beat", point: chanceOfPositive(relative) })
    }

    const over = `of ${focusBranch} over ${referenceBranch}`
    if (base === 0) {
      warnings.push(
        prior === undefined
          ? `relative uplift and chance to beat ${over} not computed: the reference mean is 0`
          : `difference, relative uplift and chance to beat ${over} not computed: the reference mean is 0, which gives the prior on the relative uplift no absolute scale`,
      )
    }
    const withoutVariance = [
      difference === undefined && !(base === 0 && prior !== undefined) ? "difference" : "",
      relative === undefined && base !== 0 ? "relative uplift and chance to beat" : "",
    ].filter((what) => what !== "")
    if (withoutVariance.length > 0) {
      warnings.push(
        `${withoutVariance.join(", ")} ${over} not computed: no variance to form a posterior from (a branch below 2 clients, or no variation)`,
      )
    }
  }
  return { rows, warnings }
}
