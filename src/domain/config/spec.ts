import type { Statistic } from "../../stats/catalogue/statistic-catalogue.js"
import type { AnalysisPeriod } from "../analysis-period.js"
import type { PreTreatment } from "../pre-treatment-catalogue.js"
import type {
  DataSourceFields,
  DimensionFields,
  ExperimentFields,
  FunctionFields,
  MetricDefinitionFields,
  ParameterFields,
  SegmentDataSourceFields,
  SegmentFields,
} from "./spec-schemas.js"

/**
 * Configuration as written in metric-hub TOML files, decoded and checked but not yet
 * resolved: references to metrics, data sources, segments and outcomes are still names.
 */

/** A parameter value as TOML can write it for a statistic or pre-treatment. */
export type SummaryParameterValue =
  | string
  | number
  | boolean
  | { readonly [key: string]: string | number | boolean }

export type SummaryParameters = { readonly [key: string]: SummaryParameterValue }

export interface StatisticSpec {
  readonly name: string
  /** As written: the metric names a ratio or a covariate refers to are read here. */
  readonly parameters: SummaryParameters
  readonly preTreatments: ReadonlyArray<PreTreatment>
  /**
   * The statistic with its parameters checked and completed with defaults. Absent for an
   * unknown statistic, or one whose parameters or pre-treatments are wrong: the metric has it
   * (as in metric-config-parser), and it is not computed. Its warning says why.
   */
  readonly decoded?: Statistic
}

export type MetricDefinitionSpec = Omit<MetricDefinitionFields, "statistics"> & {
  readonly statistics?: ReadonlyArray<StatisticSpec>
}

export type Named<T> = Readonly<Record<string, T>>

export interface MetricsSpec {
  /** The metric names listed per analysis period (`[metrics] weekly = [...]`). */
  readonly periods: Partial<Record<AnalysisPeriod, ReadonlyArray<string>>>
  readonly definitions: Named<MetricDefinitionSpec>
}

export interface SegmentsSpec {
  readonly definitions: Named<SegmentFields>
  readonly dataSources: Named<SegmentDataSourceFields>
}

/** What definitions files, defaults files and experiment configs all hold. */
export interface DefinitionsSpec {
  readonly metrics: MetricsSpec
  readonly dataSources: Named<DataSourceFields>
  readonly segments: SegmentsSpec
  readonly parameters: Named<ParameterFields>
  readonly dimensions: Named<DimensionFields>
}

/** A defaults file or a per-experiment config. */
export interface AnalysisSpec extends DefinitionsSpec {
  readonly experiment: ExperimentFields
}

export interface OutcomeSpec {
  readonly friendlyName: string
  readonly description: string
  readonly defaultMetrics: ReadonlyArray<string>
  readonly metrics: Named<MetricDefinitionSpec>
  readonly dataSources: Named<DataSourceFields>
  readonly parameters: Named<ParameterFields>
}

export type FunctionsSpec = Named<FunctionFields>

export const emptyDefinitions: DefinitionsSpec = {
  metrics: { periods: {}, definitions: {} },
  dataSources: {},
  segments: { definitions: {}, dataSources: {} },
  parameters: {},
  dimensions: {},
}

export const emptyAnalysisSpec: AnalysisSpec = { ...emptyDefinitions, experiment: {} }
