import * as Options from "@effect/cli/Options"
import { Config, type Option, Option as OptionValue } from "effect"
import { analysisPeriods } from "../domain/analysis-period.js"
import {
  defaultDuckDbPath,
  defaultExperimenterUrl,
  defaultOutputDirectory,
  defaultStatisticsThreads,
} from "./defaults.js"
import { fromEnv, withDefaultShown } from "./option-help.js"

/**
 * The settings of the commands that run the pipeline: each a flag, and an environment
 * variable `SLIPSTREAM_*` for the containerized job (the flag wins). Each description is
 * short: it is one line of `--help`, with the default and the variable (option-help.ts).
 */

/**
 * An integer with thousands separated by commas, 10,000,000, as `toLocaleString("en-US")`
 * writes it, without loading Intl's locale data when the command line is read.
 */
const withThousands = (value: number): string => `${value}`.replace(/\B(?=(\d{3})+$)/g, ",")

/** An integer option kept within [min, max]: outside, a usage error naming the bound. */
export const between = (name: string, min: number, max: number, why: string) =>
  Options.filterMap(
    (value: number) =>
      value >= min && value <= max ? OptionValue.some(value) : OptionValue.none(),
    `--${name} must be between ${min} and ${withThousands(max)} (${why})`,
  )

export const engineOption = Options.choice("engine", ["duckdb", "bigquery"]).pipe(
  Options.withDescription("the warehouse"),
  fromEnv("SLIPSTREAM_ENGINE", Config.literal("duckdb", "bigquery")),
  withDefaultShown("duckdb" as const),
)
export const duckDbPathOption = Options.text("duckdb-path").pipe(
  Options.withPseudoName("FILE"),
  Options.withDescription("DuckDB file"),
  fromEnv("SLIPSTREAM_DUCKDB_PATH", Config.string),
  withDefaultShown(defaultDuckDbPath),
)
export const projectIdOption = Options.text("project-id").pipe(
  Options.withPseudoName("ID"),
  Options.withDescription("BigQuery project that runs the jobs"),
  fromEnv("SLIPSTREAM_PROJECT_ID", Config.string),
  Options.optional,
)
export const datasetIdOption = Options.text("dataset-id").pipe(
  Options.withPseudoName("ID"),
  Options.withDescription("BigQuery dataset the results go to"),
  fromEnv("SLIPSTREAM_DATASET_ID", Config.string),
  Options.optional,
)
export const experimenterUrlOption = Options.text("experimenter-url").pipe(
  Options.withPseudoName("URL"),
  Options.withDescription("Experimenter's address"),
  fromEnv("SLIPSTREAM_EXPERIMENTER_URL", Config.string),
  withDefaultShown(defaultExperimenterUrl),
)
export const experimentsFileOption = Options.text("experiments-file").pipe(
  Options.withPseudoName("PATH"),
  Options.withDescription("JSON records instead of Experimenter's"),
  fromEnv("SLIPSTREAM_EXPERIMENTS_FILE", Config.string),
  Options.optional,
)
// The two repeatable flags below read their variable, comma-separated, in layers.ts.
export const configReposOption = Options.directory("config-repo", { exists: "yes" }).pipe(
  Options.withPseudoName("DIR"),
  Options.withDescription("a metric-hub checkout; later ones win"),
  Options.withDescription("env SLIPSTREAM_CONFIG_REPOS"),
  Options.repeated,
)
export const configUrlBasesOption = Options.text("config-url-base").pipe(
  Options.withPseudoName("[DIR=]URL"),
  Options.withDescription("a checkout's web address, for links in metadata"),
  Options.withDescription("env SLIPSTREAM_CONFIG_URL_BASES"),
  Options.withDescription("default its git remote"),
  Options.repeated,
)
export const sqlOutputDirOption = Options.directory("sql-output-dir").pipe(
  Options.withPseudoName("DIR"),
  Options.withDescription("write each SQL statement to a file there"),
  fromEnv("SLIPSTREAM_SQL_OUTPUT_DIR", Config.string),
  Options.optional,
)
export const outputDirOption = Options.text("output-dir").pipe(
  Options.withPseudoName("DIR"),
  Options.withDescription("where results are published"),
  fromEnv("SLIPSTREAM_OUTPUT_DIR", Config.string),
  withDefaultShown(defaultOutputDirectory),
)
export const bucketOption = Options.text("bucket").pipe(
  Options.withPseudoName("BUCKET[/PREFIX]"),
  Options.withDescription("publish to GCS instead"),
  fromEnv("SLIPSTREAM_BUCKET", Config.string),
  Options.optional,
)

export const publishOptions = { outputDir: outputDirOption, bucket: bucketOption }

export type PublishOptions = {
  readonly outputDir: string
  readonly bucket: Option.Option<string>
}

export const concurrencyOption = Options.integer("concurrency").pipe(
  Options.withPseudoName("N"),
  Options.withDescription("experiments analysed at once"),
  fromEnv("SLIPSTREAM_CONCURRENCY", Config.integer),
  withDefaultShown(2),
  between("concurrency", 1, 64, "experiments at once, each with its own queries"),
)
export const threadsOption = Options.integer("threads").pipe(
  Options.withPseudoName("N"),
  Options.withDescription("statistics threads, or 0"),
  fromEnv("SLIPSTREAM_THREADS", Config.integer),
  // The number depends on the machine: the help, rendered at build time, says the rule.
  withDefaultShown(defaultStatisticsThreads, "one per core"),
  between("threads", 0, 64, "each thread holds a copy of the statistics' working memory"),
)
export const logFormatOption = Options.choice("log-format", ["text", "json"]).pipe(
  Options.withDescription("logs as text or JSON lines"),
  fromEnv("SLIPSTREAM_LOG_FORMAT", Config.literal("text", "json")),
  withDefaultShown("text" as const),
)
/** `--log-level` without its default: the demo's default differs. */
export const logLevelChoice = Options.choice("log-level", [
  "debug",
  "info",
  "warning",
  "error",
]).pipe(
  Options.withPseudoName("LEVEL"),
  Options.withDescription("minimum severity"),
  fromEnv("SLIPSTREAM_LOG_LEVEL", Config.literal("debug", "info", "warning", "error")),
)
export const logLevelOption = logLevelChoice.pipe(withDefaultShown("info" as const))

export const dateOption = Options.text("date").pipe(
  Options.withPseudoName("YYYY-MM-DD"),
  Options.withDescription("the analysis date"),
  Options.withDescription("default yesterday, UTC"),
  Options.optional,
)
export const experimentOption = Options.text("experiment").pipe(
  Options.withPseudoName("SLUG"),
  Options.withDescription("only this experiment (repeatable)"),
  Options.repeated,
)
export const periodsOption = Options.text("analysis-periods").pipe(
  Options.withPseudoName("P,..."),
  Options.withDescription(`only ${analysisPeriods.join(",")}`),
  Options.optional,
)
export const metricOption = Options.text("metric").pipe(
  Options.withPseudoName("NAME"),
  Options.withDescription("only this metric (repeatable)"),
  Options.repeated,
)
export const statisticsOnlyOption = Options.boolean("statistics-only").pipe(
  Options.withDescription("reuse the metrics tables; recompute statistics only"),
)
export const recreateEnrollmentsOption = Options.boolean("recreate-enrollments").pipe(
  Options.withDescription("rebuild enrollments_<slug> even when it exists"),
)
export const configFileOption = Options.file("config-file", { exists: "yes" }).pipe(
  Options.withPseudoName("FILE"),
  Options.withDescription("one experiment's config (TOML) instead of the repository's"),
  Options.optional,
)
export const seedOption = Options.integer("seed").pipe(
  Options.withPseudoName("N"),
  Options.withDescription("seed of every bootstrap: the same seed, the same results"),
  withDefaultShown(1),
)
export const jsonOption = Options.boolean("json").pipe(
  Options.withDescription("print the outcome as JSON on stdout"),
)

export const warehouseOptions = {
  engine: engineOption,
  duckDbPath: duckDbPathOption,
  projectId: projectIdOption,
  datasetId: datasetIdOption,
}

export const sourceOptions = {
  experimenterUrl: experimenterUrlOption,
  experimentsFile: experimentsFileOption,
  configRepos: configReposOption,
  configUrlBases: configUrlBasesOption,
}

export type WarehouseOptions = {
  readonly engine: "duckdb" | "bigquery"
  readonly duckDbPath: string
  readonly projectId: Option.Option<string>
  readonly datasetId: Option.Option<string>
}

export type SourceOptions = {
  readonly experimenterUrl: string
  readonly experimentsFile: Option.Option<string>
  readonly configRepos: ReadonlyArray<string>
  readonly configUrlBases: ReadonlyArray<string>
}

export const loggingOptions = { logFormat: logFormatOption, logLevel: logLevelOption }

export type LoggingOptions = {
  readonly logFormat: "text" | "json"
  readonly logLevel: "debug" | "info" | "warning" | "error"
}
