import type { Statistic } from "../../stats/catalogue/statistic-catalogue.js"
import type { MultipleTestingMethod } from "../../stats/multiple-testing.js"
import type { AnalysisBasis, AnalysisPeriod } from "../analysis-period.js"
import type { Experiment } from "../experiment.js"
import type { ExperimentSchedule } from "../experiment-schedule.js"
import type { PreTreatment } from "../pre-treatment-catalogue.js"
import type { ConfigIssue } from "./config-issue.js"
import type { WindowLimit } from "./spec-schemas.js"

/**
 * Fully resolved configuration of one experiment's analysis: every name looked up, every
 * template rendered, every default applied. What the SQL builders and statistics read.
 */

export type ExperimentsColumnType = "simple" | "native" | "glean" | "events_stream" | "none"
export type AnalysisUnit = "client_id" | "profile_group_id"
export type EnrollmentsQueryType = "normandy" | "glean-event" | "fenix-fallback" | "cirrus"

export interface DataSourceJoin {
  readonly dataSource: DataSource
  readonly relationship?: "one_to_one" | "many_to_one" | "one_to_many" | "many_to_many"
  readonly onExpression?: string
}

export interface DataSource {
  readonly name: string
  /** Rendered: templates and `{dataset}` / `{experiment_slug}` filled in. */
  readonly fromExpression: string
  readonly experimentsColumnType: ExperimentsColumnType
  readonly clientIdColumn: string
  readonly groupIdColumn: string
  readonly submissionDateColumn: string
  readonly analysisUnits: ReadonlyArray<AnalysisUnit>
  readonly joins: ReadonlyArray<DataSourceJoin>
  readonly friendlyName?: string
  readonly description?: string
}

export interface Metric {
  readonly name: string
  /** Absent for a derived metric (one computed from `dependsOn`). */
  readonly dataSource?: DataSource
  readonly selectExpression?: string
  readonly friendlyName?: string
  readonly description?: string
  readonly biggerIsBetter: boolean
  readonly analysisBases: ReadonlyArray<AnalysisBasis>
  readonly type: "scalar" | "histogram"
  readonly category?: string
  readonly dependsOn: ReadonlyArray<string>
  readonly owners: ReadonlyArray<string>
  readonly deprecated: boolean
}

/** A metric with a statistical treatment. */
export interface Summary {
  readonly metric: Metric
  readonly statistic: Statistic
  readonly preTreatments: ReadonlyArray<PreTreatment>
}

export interface PeriodConfiguration {
  /** Every metric to compute, upstream (`depends_on`) metrics before those that need them. */
  readonly metrics: ReadonlyArray<Metric>
  readonly summaries: ReadonlyArray<Summary>
}

export interface SegmentDataSource {
  readonly name: string
  readonly fromExpression: string
  readonly windowStart: number
  readonly windowEnd: number
  readonly clientIdColumn: string
  readonly groupIdColumn: string
  readonly submissionDateColumn: string
}

export interface Segment {
  readonly name: string
  readonly dataSource: SegmentDataSource
  readonly selectExpression: string
  /** The segment's own window when it sets one, else its data source's (days from enrollment). */
  readonly windowStart: WindowLimit
  readonly windowEnd: WindowLimit
  readonly friendlyName?: string
  readonly description?: string
}

export interface ExposureSignal {
  readonly name: string
  readonly dataSource: DataSource
  readonly selectExpression: string
  readonly friendlyName?: string
  readonly description?: string
  readonly windowStart?: WindowLimit
  readonly windowEnd?: WindowLimit
}

export interface OutcomeSummary {
  readonly slug: string
  readonly friendlyName: string
  readonly description: string
  readonly metrics: ReadonlyArray<string>
  readonly defaultMetrics: ReadonlyArray<string>
}

/** What a per-experiment config changed of the Experimenter definition. */
export interface ExperimentOverrides {
  readonly startDate?: string
  readonly endDate?: string
  readonly enrollmentPeriod?: number
  readonly referenceBranch?: string
}

export interface AnalysisConfiguration {
  readonly experiment: Experiment
  readonly overrides: ExperimentOverrides
  /** Start, end, enrollment period and last enrollment date after the overrides. */
  readonly schedule: ExperimentSchedule
  readonly referenceBranch?: string
  readonly periods: Readonly<Record<AnalysisPeriod, PeriodConfiguration>>
  readonly segments: ReadonlyArray<Segment>
  readonly exposureSignal?: ExposureSignal
  readonly enrollmentQuery?: string
  readonly enrollmentsQueryType: EnrollmentsQueryType
  readonly exposureQueryType: EnrollmentsQueryType
  readonly analysisUnit: AnalysisUnit
  /** Percentage of enrolled clients kept (downsampling); absent keeps all. */
  readonly sampleSize?: number
  readonly skip: boolean
  readonly isPrivate: boolean
  readonly datasetId?: string
  /**
   * How the p-values of comparisons against the reference branch are adjusted for their
   * number (`[experiment] multiple_testing`); absent: not adjusted.
   */
  readonly multipleTesting?: Exclude<MultipleTestingMethod, "none">
  readonly outcomes: ReadonlyArray<OutcomeSummary>
  /**
   * What metric-config-parser accepts and a person should see: the warnings of the files used
   * (the per-experiment config, defaults, outcomes; each names its file) and of resolution.
   */
  readonly warnings: ReadonlyArray<ConfigIssue>
}

/**
 * The branch every other is compared with where one reference is needed (the sample-ratio
 * row, multiple testing): the configured one, else Experimenter's, else the first branch.
 */
export const referenceBranchOf = (configuration: AnalysisConfiguration): string =>
  configuration.referenceBranch ??
  configuration.experiment.referenceBranch ??
  configuration.experiment.branches[0]?.slug ??
  "control"
