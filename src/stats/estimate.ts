/**
 * What every statistic kernel returns: estimates with intervals, for each branch and for
 * each ordered pair of branches (every branch serves as the reference of every other).
 * The caller adds metric, statistic, segment, analysis basis and window to make result rows.
 */

/**
 * `chance_to_beat`: the posterior probability that the focus branch beats the reference, in
 * `point` (no bounds), for Bayesian statistics.
 */
export type Comparison = "difference" | "relative_uplift" | "chance_to_beat"

export interface EstimateRow {
  readonly branch: string
  /** The x of two-dimensional statistics (a decile, a grid point); absent otherwise. */
  readonly parameter?: number
  /** Absent for a branch's own estimate. */
  readonly comparison?: Comparison
  /** The reference branch of a comparison. */
  readonly comparisonToBranch?: string
  readonly point: number
  /** Absent for statistics without intervals (count, sum, densities). */
  readonly lower?: number
  readonly upper?: number
  /** Two-sided p-value of "no difference", where the statistic has one. */
  readonly pValue?: number
}

/** The two quantiles bounding a central interval of `confidence` (0.95 → 0.025, 0.975). */
export const intervalQuantiles = (confidence: number): readonly [number, number] => [
  (1 - confidence) / 2,
  1 - (1 - confidence) / 2,
]

/** Every ordered (focus, reference) pair of distinct branches, in branch order. */
export const orderedPairs = (
  branches: ReadonlyArray<string>,
): ReadonlyArray<readonly [focus: string, reference: string]> =>
  branches.flatMap((reference) =>
    branches.filter((focus) => focus !== reference).map((focus) => [focus, reference] as const),
  )
