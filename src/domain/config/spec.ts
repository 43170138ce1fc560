import type { AnalysisPeriod } from "../analysis-period.js"
import type { SummaryParameters } from "../summary-catalogue.js"
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

export interface PreTreatmentSpec {
  readonly name: string
  readonly parameters: SummaryParameters
}

export interface StatisticSpec {
  readonly name: string
  readonly parameters: SummaryParameters
  readonly preTreatments: ReadonlyArray<PreTreatmentSpec>
  /**
   * An unknown statistic, or one whose parameters or pre-treatments are wrong: the metric has
   * it (as in metric-config-parser), and it is not computed. Its warning says why.
   */
  readonly unusable?: true
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
