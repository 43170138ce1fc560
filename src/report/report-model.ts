import type { StatisticResult } from "../domain/statistic-result.js"
import type { MultipleTestingMethod } from "../stats/multiple-testing.js"

/** What the report needs to know of a metric besides its rows (Metadata_v1.0.json's words). */
export interface ReportMetric {
  readonly slug: string
  readonly friendlyName: string
  readonly description: string
  /** Decides whether an interval above zero is drawn as good (green) or bad (red). */
  readonly biggerIsBetter: boolean
}

/** One logged problem of the experiment (a row of the logs table, an errors_<slug>.json entry). */
export interface ReportProblem {
  readonly timestamp: string
  readonly level: "ERROR" | "WARNING"
  readonly message: string
  readonly metric: string | null
  readonly statistic: string | null
  readonly segment: string | null
  readonly analysisBasis: string | null
  readonly period: string | null
  /** The window of `period` (1-based), as published; null for the whole experiment. */
  readonly windowIndex: string | null
  readonly analysisDate: string | null
}

/** Everything one experiment's page shows; every string in it is data and is escaped. */
export interface ExperimentReport {
  readonly slug: string
  /** Experimenter's user-facing name, or the slug. */
  readonly name: string
  readonly status: "analysed" | "failed" | "not analysed" | string
  readonly startDate: string | null
  readonly endDate: string | null
  /** Comparisons are shown against this branch. */
  readonly referenceBranch: string
  readonly branches: ReadonlyArray<{ readonly slug: string; readonly ratio: number }>
  readonly metrics: ReadonlyArray<ReportMetric>
  readonly outcomes: ReadonlyArray<{
    readonly slug: string
    readonly friendlyName: string
    readonly metrics: ReadonlyArray<string>
  }>
  /**
   * Rows per period suffix ("overall", "weekly", "daily", "days28", "preenrollment_weekly",
   * "preenrollment_days28"), as the statistics_<slug>_<suffix>.json files hold them.
   */
  readonly statistics: Readonly<Record<string, ReadonlyArray<StatisticResult>>>
  /**
   * How the rows' `p_value_adjusted` were adjusted (the experiment's `multiple_testing`);
   * absent when unknown or none. The page names it; the rows say nothing of it.
   */
  readonly multipleTesting?: Exclude<MultipleTestingMethod, "none">
  readonly problems: ReadonlyArray<ReportProblem>
  /**
   * When the analysis whose results the page shows started (the metadata's
   * `analysis_start_time`), not when the page was written: the same results make the same
   * page. Null when unknown.
   */
  readonly generatedAt: string | null
}

/** One line of the index page. */
export interface IndexEntry {
  readonly slug: string
  readonly name: string
  readonly status: string
  readonly startDate: string | null
  readonly endDate: string | null
  readonly errors: number
  readonly warnings: number
  /**
   * The experiment page relative to the index, as a plain file path (e.g. "demo-x.html"),
   * not URL-encoded: the index encodes each path segment, and links nothing that has a
   * scheme or is absolute.
   */
  readonly reportPath: string
  /** When the analysis shown started (the report's `generatedAt`); absent in older indexes. */
  readonly analysedAt?: string | null
}
