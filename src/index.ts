/**
 * Slipstream as a library: the domain model, the configuration layer and the services,
 * for programs that embed the pipeline with their own Layers.
 */
export * from "./domain/analysis-period.js"
export type {
  AnalysisConfiguration,
  DataSource,
  ExposureSignal,
  Metric,
  PeriodConfiguration,
  Segment,
  Summary,
} from "./domain/config/analysis-configuration.js"
export type { ConfigCollection } from "./domain/config/collection.js"
export { addToCollection, emptyCollection } from "./domain/config/collection.js"
export type { ConfigIssue } from "./domain/config/config-issue.js"
export { parseConfigFile } from "./domain/config/parse-file.js"
export { resolveAnalysisConfiguration } from "./domain/config/resolve-analysis.js"
export { validateFile } from "./domain/config/validate.js"
export * from "./domain/dates.js"
export * from "./domain/experiment.js"
export * from "./domain/experiment-schedule.js"
export * from "./domain/not-analysed.js"
export * from "./domain/platform.js"
export {
  decodePreTreatment,
  isPreTreatmentName,
  type PreTreatment,
  type PreTreatmentName,
  preTreatmentNames,
  preTreatmentOf,
} from "./domain/pre-treatment-catalogue.js"
export * from "./domain/readiness.js"
export * from "./domain/statistic-result.js"
export * from "./domain/table-names.js"
export { AnalyzeTableError, type AnalyzeTableResult } from "./pipeline/analysis-request.js"
export {
  type AnalyzeAggregatesRequest,
  analyzeAggregates,
} from "./pipeline/analyze-aggregates.js"
export { type AnalyzeTableRequest, analyzeTable } from "./pipeline/analyze-table.js"
export { configHash } from "./pipeline/config-hash.js"
export { storedConfigHashes } from "./pipeline/config-hash-table.js"
export { createDemoData } from "./pipeline/demo-data.js"
export { ensureEnrollments } from "./pipeline/enrollments.js"
export { type PlannedExperiment, planExperiment, selectExperiments } from "./pipeline/plan.js"
export type { Problem } from "./pipeline/problem.js"
export { type LoggedProblemRow, loggedProblems } from "./pipeline/problem-log.js"
export {
  type ExportedExperiment,
  exportExperiment,
  exportExperiments,
  updateReportIndex,
} from "./pipeline/publish/export.js"
export {
  analyseOneExperiment,
  datesBetween,
  experimentsWithChangedConfig,
  type RunSettings,
  rerunExperiments,
  runDate,
  runDates,
  runSettings,
} from "./pipeline/run.js"
export type { RunEvent, WorkItemOutcome } from "./pipeline/run-event.js"
export { type RunSummary, summariseRun } from "./pipeline/run-summary.js"
export { type FileReport, validateConfigFiles } from "./pipeline/validate-config.js"
export { renderExperimentReport } from "./report/experiment-page.js"
export { renderReportIndex } from "./report/index-page.js"
export type { ExperimentReport, IndexEntry } from "./report/report-model.js"
export { ConfigRepository, loadConfigDirectory } from "./services/config-repository.js"
export * from "./services/experiment-source.js"
export * from "./services/object-store.js"
export {
  computeSummaryTask,
  defaultStatisticsThreads,
  SummaryComputationError,
  SummaryComputer,
  type SummaryTask,
} from "./services/summary-computer.js"
export { defaultDuckDbPath } from "./services/warehouse/duckdb.js"
export { type QueryResult, Warehouse, WarehouseError } from "./services/warehouse/warehouse.js"
export {
  bigQueryTelemetrySources,
  type TelemetrySources,
} from "./sql/enrollments-query.js"
export {
  decodeStatistic,
  isStatisticName,
  type Statistic,
  type StatisticName,
  type StatisticParameters,
  statisticCatalogue,
  statisticNames,
  statisticOf,
} from "./stats/catalogue/statistic-catalogue.js"
export type {
  AggregateRequest,
  StatisticDefinition,
  StatisticDescriptor,
} from "./stats/catalogue/statistic-descriptor.js"
