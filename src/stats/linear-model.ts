import { type EstimateRow, orderedPairs } from "./estimate.js"
import type { StatisticOutput } from "./sample-summary.js"
import { criticalT, twoSidedP } from "./student-t.js"

/**
 * A branch's sufficient statistics for the linear model: the number of clients and the sums
 * of the metric y, of y², and, for covariate adjustment, of the pre-period covariate x, x²
 * and x·y. The warehouse computes them in one GROUP BY, so no per-client row leaves it.
 */
export interface LinearModelSums {
  readonly n: number
  readonly sumY: number
  readonly sumY2: number
  readonly sumX?: number
  readonly sumX2?: number
  readonly sumXY?: number
}

/**
 * The sums of one branch's per-client values (the path for data read row by row). A row whose
 * y is missing (NaN), or whose x is missing (NaN, or beyond the end of `x`) when a covariate
 * is given, is not modelled, as mozanalysis models only rows with both values present.
 * ±∞ is kept, so that the model reports the branch rather than silently losing it.
 */
export const linearModelSumsOf = (y: Float64Array, x?: Float64Array): LinearModelSums => {
  let n = 0
  let sumY = 0
  let sumY2 = 0
  let sumX = 0
  let sumX2 = 0
  let sumXY = 0
  for (let row = 0; row < y.length; row++) {
    const yValue = y[row] ?? Number.NaN
    const xValue = x === undefined ? 0 : (x[row] ?? Number.NaN)
    if (Number.isNaN(yValue) || Number.isNaN(xValue)) continue
    n++
    sumY += yValue
    sumY2 += yValue * yValue
    sumX += xValue
    sumX2 += xValue * xValue
    sumXY += xValue * yValue
  }
  return x === undefined ? { n, sumY, sumY2 } : { n, sumY, sumY2, sumX, sumX2, sumXY }
}

/** The least-squares fit of the model, in the cell-means form (one mean per branch). */
export interface LinearModelFit {
  /** The modelled branches, in the order of the input. */
  readonly branches: ReadonlyArray<string>
  readonly clients: Float64Array
  /** Per branch: ȳ_b − γ̂·(x̄_b − x̄), the branch's mean at the pooled covariate mean. */
  readonly adjustedMeans: Float64Array
  /** γ̂, the one slope on the covariate shared by all branches; absent when unadjusted. */
  readonly slope?: number
  /** x̄, the covariate mean over all modelled clients; absent when unadjusted. */
  readonly covariateMean?: number
  /** σ̂² = SSE / degreesOfFreedom. */
  readonly residualVariance: number
  /** N − k − 1 with the covariate, N − k without (k branches, N clients). */
  readonly degreesOfFreedom: number
  /** Covariance of the adjusted means, k × k row-major: σ̂²·(δ_ab/n_a + d_a·d_b/S_xx). */
  readonly covariance: Float64Array
}

/**
 * Some data have a covariate with no variation inside the branches (constant, or a copy of
 * the branch): the within-branch S_xx is then zero up to the rounding of the sums, which is
 * a few ulps of Σx². Below this fraction of Σx² the covariate is taken as degenerate.
 */
const degenerateCovariateFraction = 1e-9

const finiteSums = (sums: LinearModelSums): boolean =>
  [sums.n, sums.sumY, sums.sumY2, sums.sumX ?? 0, sums.sumX2 ?? 0, sums.sumXY ?? 0].every(
    Number.isFinite,
  )

const hasCovariate = (sums: LinearModelSums): boolean =>
  sums.sumX !== undefined && sums.sumX2 !== undefined && sums.sumXY !== undefined

/**
 * Ordinary least squares of `y ~ C(branch) + x` — mozanalysis' linear model, i.e. CUPED /
 * ANCOVA with one common slope (Deng, Xu, Kohavi & Walker, "Improving the sensitivity of
 * online controlled experiments by utilizing pre-experiment data", WSDM 2013) — in closed
 * form from the per-branch sums, written with one mean per branch and x centred at its
 * pooled mean x̄ (the same column space as an intercept plus branch indicators):
 *
 *   S_yy,b = Σy² − (Σy)²/n,  S_xx,b = Σx² − (Σx)²/n,  S_xy,b = Σxy − Σx·Σy/n  (per branch)
 *   γ̂ = Σ_b S_xy,b / Σ_b S_xx,b                      (the pooled within-branch slope)
 *   μ̂_b = ȳ_b − γ̂·(x̄_b − x̄)                          (the adjusted mean of branch b)
 *   SSE = Σ_b S_yy,b − γ̂·Σ_b S_xy,b,  σ̂² = SSE / (N − k − 1)
 *   Cov(μ̂_a, μ̂_b) = σ̂²·(δ_ab/n_a + (x̄_a − x̄)(x̄_b − x̄) / Σ_b S_xx,b)
 *
 * since the branch means ȳ_b and the within-branch slope γ̂ are uncorrelated and
 * Var(γ̂) = σ²/ΣS_xx (Montgomery, "Design and Analysis of Experiments", ch. 15, analysis of
 * covariance). Without a covariate, γ̂ = 0, σ̂² is the pooled variance with N − k degrees of
 * freedom, and the fit is the one-way ANOVA.
 *
 * Branches without clients or with non-finite sums are left out; a covariate missing from
 * some branch, or without variation inside the branches, is dropped (unadjusted fit). Each
 * is said in `warnings`. No fit when no degree of freedom is left for the variance.
 */
export const fitLinearModel = (
  sumsByBranch: ReadonlyMap<string, LinearModelSums>,
): { readonly fit?: LinearModelFit; readonly warnings: ReadonlyArray<string> } => {
  const warnings: string[] = []
  const modelled: Array<readonly [string, LinearModelSums]> = []
  for (const [branch, sums] of sumsByBranch) {
    if (!finiteSums(sums)) {
      warnings.push(`branch ${branch}: its sums are not finite (NaN or ∞ in the data): left out`)
    } else if (sums.n < 1) {
      warnings.push(`branch ${branch} has no clients: left out`)
    } else {
      modelled.push([branch, sums])
    }
  }
  const k = modelled.length
  if (k === 0) return { warnings: [...warnings, "no branch left to model: nothing estimated"] }

  const branches = modelled.map(([branch]) => branch)
  const clients = Float64Array.from(modelled, ([, sums]) => sums.n)
  const meansY = Float64Array.from(modelled, ([, sums]) => sums.sumY / sums.n)
  let total = 0
  let withinYY = 0
  for (const [, { n, sumY, sumY2 }] of modelled) {
    total += n
    withinYY += Math.max(0, sumY2 - (sumY * sumY) / n)
  }

  const covariate = covariateTerms(modelled, warnings)
  const parameters = covariate === undefined ? k : k + 1
  const degreesOfFreedom = total - parameters
  if (degreesOfFreedom < 1) {
    warnings.push(
      `${total} clients in ${k} branches leave no degree of freedom for the residual variance: nothing estimated`,
    )
    return { warnings }
  }

  const sse =
    covariate === undefined
      ? withinYY
      : Math.max(0, withinYY - covariate.slope * covariate.withinXY)
  const residualVariance = sse / degreesOfFreedom
  if (residualVariance === 0) {
    warnings.push(
      "the residual variance is zero (no variation left in the metric): intervals have zero width",
    )
  }
  const offsets = covariate?.offsets ?? new Float64Array(k)
  const adjustedMeans = meansY.map((mean, b) => mean - (covariate?.slope ?? 0) * (offsets[b] ?? 0))
  const covariance = new Float64Array(k * k)
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const own = a === b ? 1 / (clients[a] ?? Number.NaN) : 0
      const shared =
        covariate === undefined ? 0 : ((offsets[a] ?? 0) * (offsets[b] ?? 0)) / covariate.withinXX
      covariance[a * k + b] = residualVariance * (own + shared)
    }
  }
  const adjustment =
    covariate === undefined ? {} : { slope: covariate.slope, covariateMean: covariate.mean }
  return {
    fit: {
      branches,
      clients,
      adjustedMeans,
      ...adjustment,
      residualVariance,
      degreesOfFreedom,
      covariance,
    },
    warnings,
  }
}

/** γ̂, x̄, the offsets x̄_b − x̄ and the pooled within-branch S_xx, S_xy; or why not. */
const covariateTerms = (
  modelled: ReadonlyArray<readonly [string, LinearModelSums]>,
  warnings: string[],
):
  | {
      readonly slope: number
      readonly mean: number
      readonly offsets: Float64Array
      readonly withinXX: number
      readonly withinXY: number
    }
  | undefined => {
  const adjusted = modelled.filter(([, sums]) => hasCovariate(sums))
  if (adjusted.length === 0) return undefined
  if (adjusted.length < modelled.length) {
    const missing = modelled.filter(([, sums]) => !hasCovariate(sums)).map(([branch]) => branch)
    warnings.push(
      `covariate sums missing for ${missing.join(", ")}: covariate dropped, unadjusted fit`,
    )
    return undefined
  }
  let total = 0
  let sumX = 0
  let sumX2 = 0
  let withinXX = 0
  let withinXY = 0
  for (const [, sums] of modelled) {
    const branchX = sums.sumX ?? 0
    total += sums.n
    sumX += branchX
    sumX2 += sums.sumX2 ?? 0
    withinXX += (sums.sumX2 ?? 0) - (branchX * branchX) / sums.n
    withinXY += (sums.sumXY ?? 0) - (branchX * sums.sumY) / sums.n
  }
  if (!(withinXX > degenerateCovariateFraction * sumX2)) {
    warnings.push(
      "the covariate does not vary within the branches (constant, or determined by the branch): covariate dropped, unadjusted fit",
    )
    return undefined
  }
  const mean = sumX / total
  const offsets = Float64Array.from(modelled, ([, sums]) => (sums.sumX ?? 0) / sums.n - mean)
  return { slope: withinXY / withinXX, mean, offsets, withinXX, withinXY }
}

export interface LinearModelParameters {
  /** Level of the central intervals, any value in (0, 1). */
  readonly confidence: number
  /**
   * The branches that serve as reference of comparisons; by default every branch (Jetstream
   * compares with every branch as reference). Rows follow the order of the input map.
   */
  readonly referenceBranches?: ReadonlyArray<string>
}

/**
 * Jetstream's linear_model_mean (statistic "mean_lm"), from the sums of `fitLinearModel`.
 * With t = the (1 + confidence)/2 quantile of Student's t on the residual degrees of freedom:
 *
 * - per branch, the adjusted mean μ̂_b ± t·√Var(μ̂_b);
 * - per ordered pair (focus f, reference r), the difference D = μ̂_f − μ̂_r ± t·√Var(D), with
 *   Var(D) = Var(μ̂_f) + Var(μ̂_r) − 2·Cov(μ̂_f, μ̂_r) and the two-sided p-value of t = D/se
 *   (this is the branch coefficient of `y ~ C(branch, Treatment(r)) + x`);
 * - the relative uplift R = D / M with M = μ̂_r, interval R ± t·se_R by the delta method
 *   (first-order Taylor expansion of D/M, e.g. Casella & Berger, "Statistical Inference",
 *   §5.5.4):
 *     se_R² = (Var(D) − 2·R·Cov(D, M) + R²·Var(M)) / M²,
 *     Cov(D, M) = Cov(μ̂_f, μ̂_r) − Var(μ̂_r).
 *   Left out, with a warning, when the reference mean is 0.
 */
export const linearModelMean = (
  sumsByBranch: ReadonlyMap<string, LinearModelSums>,
  parameters: LinearModelParameters,
): StatisticOutput => {
  const { confidence } = parameters
  if (!(confidence > 0 && confidence < 1)) {
    return { rows: [], warnings: [`confidence ${confidence} is not in (0, 1): nothing estimated`] }
  }
  const { fit, warnings: fitWarnings } = fitLinearModel(sumsByBranch)
  const warnings = [...fitWarnings]
  if (fit === undefined) return { rows: [], warnings }
  const { branches, adjustedMeans, covariance, degreesOfFreedom } = fit
  const k = branches.length
  const critical = criticalT(confidence, degreesOfFreedom)
  const index = new Map(branches.map((branch, position) => [branch, position]))
  const mean = (b: number): number => adjustedMeans[b] ?? Number.NaN
  const cov = (a: number, b: number): number => covariance[a * k + b] ?? Number.NaN
  const interval = (point: number, standardError: number) => ({
    point,
    lower: point - critical * standardError,
    upper: point + critical * standardError,
  })

  const rows: EstimateRow[] = branches.map((branch, b) => ({
    branch,
    ...interval(mean(b), Math.sqrt(cov(b, b))),
  }))

  const references = new Set(parameters.referenceBranches ?? branches)
  for (const reference of references) {
    if (!index.has(reference)) {
      warnings.push(`reference branch ${reference} has no estimate: no comparison with it`)
    }
  }
  for (const [focus, reference] of orderedPairs(branches)) {
    if (!references.has(reference)) continue
    const f = index.get(focus) ?? -1
    const r = index.get(reference) ?? -1
    const difference = mean(f) - mean(r)
    const varianceD = cov(f, f) + cov(r, r) - 2 * cov(f, r)
    const standardError = Math.sqrt(varianceD)
    const pair = { branch: focus, comparisonToBranch: reference }
    rows.push({
      ...pair,
      comparison: "difference",
      ...interval(difference, standardError),
      pValue: twoSidedP(difference, standardError, degreesOfFreedom),
    })
    const referenceMean = mean(r)
    if (referenceMean === 0) {
      warnings.push(
        `relative uplift of ${focus} over ${reference} not computed: the reference mean is 0`,
      )
      continue
    }
    const relative = difference / referenceMean
    const covarianceDM = cov(f, r) - cov(r, r)
    const varianceR =
      (varianceD - 2 * relative * covarianceDM + relative * relative * cov(r, r)) /
      (referenceMean * referenceMean)
    rows.push({
      ...pair,
      comparison: "relative_uplift",
      ...interval(relative, Math.sqrt(Math.max(0, varianceR))),
    })
  }
  return { rows, warnings }
}
