import type { AnalysisBasis } from "./analysis-period.js"

/**
 * One published result row, in the words and spelling of Jetstream's statistics tables and
 * of Statistics_v1.0.json. Numbers that are not finite are null, never NaN.
 */
export interface StatisticResult {
  readonly metric: string
  /** Jetstream's output name: "mean", "binomial", "deciles", "mean_lm", ... */
  readonly statistic: string
  readonly parameter: number | string | null
  readonly branch: string
  /** `chance_to_beat`: P(branch beats comparison_to_branch) in `point`, without bounds. */
  readonly comparison: "difference" | "relative_uplift" | "chance_to_beat" | null
  readonly comparison_to_branch: string | null
  readonly ci_width: number | null
  readonly point: number | null
  readonly lower: number | null
  readonly upper: number | null
  readonly segment: string
  readonly analysis_basis: AnalysisBasis
  readonly window_index: string
  /** Two-sided p-value of "no difference", for statistics that have one (Slipstream's addition). */
  readonly p_value?: number | null
  /**
   * `p_value` adjusted for the many comparisons against the reference branch (the
   * experiment's `multiple_testing` method; src/stats/multiple-testing.ts). Absent when no
   * method applies (`none`, or a row that is not such a comparison).
   */
  readonly p_value_adjusted?: number | null
}

/** The metric of the sample-ratio test's rows (statistic `chi_square`, on the reference branch). */
export const sampleRatioMetric = "sample_ratio_mismatch"
