import type { AnalysisBasis } from "../domain/analysis-period.js"
import { type StatisticResult, sampleRatioMetric } from "../domain/statistic-result.js"
import type { EstimateRow } from "./estimate.js"

export interface ResultContext {
  readonly metric: string
  readonly statistic: string
  readonly segment: string
  readonly analysisBasis: AnalysisBasis
  readonly windowIndex: number
  /** Absent for statistics without intervals. */
  readonly confidence?: number
}

const finiteOrNull = (value: number | undefined): number | null =>
  value !== undefined && Number.isFinite(value) ? value : null

/** Kernel rows to published rows: context added, NaN and infinities written as null. */
export const toStatisticResults = (
  rows: ReadonlyArray<EstimateRow>,
  context: ResultContext,
): ReadonlyArray<StatisticResult> =>
  rows.map((row) => ({
    metric: context.metric,
    statistic: context.statistic,
    parameter: row.parameter ?? null,
    branch: row.branch,
    comparison: row.comparison ?? null,
    comparison_to_branch: row.comparisonToBranch ?? null,
    ci_width: row.lower === undefined ? null : (context.confidence ?? null),
    point: finiteOrNull(row.point),
    lower: finiteOrNull(row.lower),
    upper: finiteOrNull(row.upper),
    segment: context.segment,
    analysis_basis: context.analysisBasis,
    window_index: `${context.windowIndex}`,
    ...(row.pValue === undefined ? {} : { p_value: finiteOrNull(row.pValue) }),
  }))

/**
 * The sample-ratio test as a published row: metric `sample_ratio_mismatch`, statistic
 * `chi_square`, point = χ², with its p-value, on the reference branch. Not `identity` and
 * not a branch of its own: Experimenter counts every `identity` row's point as a branch's
 * population, and makes a branch of every branch name it reads.
 */
export const sampleRatioResult = (
  test: { readonly statistic: number; readonly pValue: number },
  context: Pick<ResultContext, "segment" | "analysisBasis" | "windowIndex"> & {
    readonly referenceBranch: string
  },
): StatisticResult => ({
  metric: sampleRatioMetric,
  statistic: "chi_square",
  parameter: null,
  branch: context.referenceBranch,
  comparison: null,
  comparison_to_branch: null,
  ci_width: null,
  point: finiteOrNull(test.statistic),
  lower: null,
  upper: null,
  segment: context.segment,
  analysis_basis: context.analysisBasis,
  window_index: `${context.windowIndex}`,
  p_value: finiteOrNull(test.pValue),
})
