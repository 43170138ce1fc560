import { type EstimateRow, intervalQuantiles, orderedPairs } from "./estimate.js"
import { mean, quantilesOf } from "./quantile.js"

/** Rows and the reasons some rows could not be computed. */
export interface StatisticOutput {
  readonly rows: ReadonlyArray<EstimateRow>
  readonly warnings: ReadonlyArray<string>
  /**
   * Why the statistic refused its data as a whole (they break its assumptions, as values
   * other than 0/1 do binomial's): there are no rows, and the summary is a failure where it
   * runs, not a warning.
   */
  readonly refused?: string
}

const summarise = (samples: Float64Array, confidence: number) => {
  const [lower, upper] = quantilesOf(samples, intervalQuantiles(confidence))
  return { point: mean(samples), lower: lower ?? Number.NaN, upper: upper ?? Number.NaN }
}

/**
 * Summarises draws of a statistic per branch (bootstrap or posterior samples, drawn
 * independently per branch): each branch's mean and central interval, and for every ordered
 * pair the draw-by-draw difference (focus − reference) and relative uplift
 * (focus / reference − 1), as mozanalysis' compare_samples does, at any confidence level.
 */
export const summariseSamples = (
  samplesByBranch: ReadonlyMap<string, Float64Array>,
  confidence: number,
  parameter?: number,
  /** Deciles report a zero reference once for all levels, not once per level. */
  options: { readonly warnOnZeroReference?: boolean } = {},
): StatisticOutput => {
  const rows: EstimateRow[] = []
  const warnings: string[] = []
  const withParameter = parameter === undefined ? {} : { parameter }
  for (const [branch, samples] of samplesByBranch) {
    rows.push({ branch, ...withParameter, ...summarise(samples, confidence) })
  }
  for (const [focus, reference] of orderedPairs([...samplesByBranch.keys()])) {
    const focusSamples = samplesByBranch.get(focus) ?? new Float64Array()
    const referenceSamples = samplesByBranch.get(reference) ?? new Float64Array()
    const draws = Math.min(focusSamples.length, referenceSamples.length)
    const difference = new Float64Array(draws)
    const relative = new Float64Array(draws)
    let zeroReference = false
    for (let index = 0; index < draws; index++) {
      const focusDraw = focusSamples[index] ?? Number.NaN
      const referenceDraw = referenceSamples[index] ?? Number.NaN
      difference[index] = focusDraw - referenceDraw
      if (referenceDraw === 0) zeroReference = true
      relative[index] = focusDraw / referenceDraw - 1
    }
    const comparison = { branch: focus, ...withParameter, comparisonToBranch: reference }
    rows.push({ ...comparison, comparison: "difference", ...summarise(difference, confidence) })
    if (zeroReference) {
      if (options.warnOnZeroReference === false) continue
      warnings.push(
        `relative uplift of ${focus} over ${reference}${parameter === undefined ? "" : ` at ${parameter}`} not computed: the reference is 0`,
      )
    } else {
      rows.push({
        ...comparison,
        comparison: "relative_uplift",
        ...summarise(relative, confidence),
      })
    }
  }
  return { rows, warnings }
}
