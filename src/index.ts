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
export * from "./domain/readiness.js"
export * from "./domain/summary-catalogue.js"
export { type FileReport, validateConfigFiles } from "./pipeline/validate-config.js"
export { ConfigRepository, loadConfigDirectory } from "./services/config-repository.js"
