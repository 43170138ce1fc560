import * as Options from "@effect/cli/Options"
import { Config, type Option, Option as OptionValue } from "effect"
import { analysisPeriods } from "../domain/analysis-period.js"
import {
  defaultDuckDbPath,
  defaultExperimenterUrl,
  defaultOutputDirectory,
  defaultStatisticsThreads,
} from "./defaults.js"

/**
 * The settings of the commands that run the pipeline: each a flag, and an environment
 * variable `SLIPSTREAM_*` for the containerized job (the flag wins).
 */

const fromEnv = <A>(config: Config.Config<A>) => Options.withFallbackConfig(config)

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
  fromEnv(Config.literal("duckdb", "bigquery")("SLIPSTREAM_ENGINE")),
  Options.withDefault("duckdb" as const),
  Options.withDescription("the warehouse: embedded DuckDB, or BigQuery (env SLIPSTREAM_ENGINE)"),
)
export const duckDbPathOption = Options.text("duckdb-path").pipe(
  fromEnv(Config.string("SLIPSTREAM_DUCKDB_PATH")),
  Options.withDefault(defaultDuckDbPath),
  Options.withDescription("the DuckDB database file (env SLIPSTREAM_DUCKDB_PATH)"),
)
export const projectIdOption = Options.text("project-id").pipe(
  fromEnv(Config.string("SLIPSTREAM_PROJECT_ID")),
  Options.optional,
  Options.withDescription("BigQuery project that runs the jobs (env SLIPSTREAM_PROJECT_ID)"),
)
export const datasetIdOption = Options.text("dataset-id").pipe(
  fromEnv(Config.string("SLIPSTREAM_DATASET_ID")),
  Options.optional,
  Options.withDescription("BigQuery dataset the results go to (env SLIPSTREAM_DATASET_ID)"),
)
export const experimenterUrlOption = Options.text("experimenter-url").pipe(
  fromEnv(Config.string("SLIPSTREAM_EXPERIMENTER_URL")),
  Options.withDefault(defaultExperimenterUrl),
  Options.withDescription("Experimenter's base URL (env SLIPSTREAM_EXPERIMENTER_URL)"),
)
export const experimentsFileOption = Options.text("experiments-file").pipe(
  fromEnv(Config.string("SLIPSTREAM_EXPERIMENTS_FILE")),
  Options.optional,
  Options.withDescription(
    "a JSON file or folder of Experimenter v8 records, read instead of Experimenter (env SLIPSTREAM_EXPERIMENTS_FILE)",
  ),
)
export const configReposOption = Options.directory("config-repo", { exists: "yes" }).pipe(
  Options.repeated,
  Options.withDescription(
    "a metric-hub checkout layered over the bundled config, later ones winning (repeatable; env SLIPSTREAM_CONFIG_REPOS, comma-separated)",
  ),
)
export const configUrlBasesOption = Options.text("config-url-base").pipe(
  Options.repeated,
  Options.withDescription(
    "web address of a config checkout's top folder for the links in published metadata: URL for every --config-repo, or DIR=URL for one, e.g. https://github.com/mozilla/metric-hub/blob/main (default: each checkout's git remote and commit; repeatable; env SLIPSTREAM_CONFIG_URL_BASES, comma-separated)",
  ),
)
export const sqlOutputDirOption = Options.directory("sql-output-dir").pipe(
  fromEnv(Config.string("SLIPSTREAM_SQL_OUTPUT_DIR")),
  Options.optional,
  Options.withDescription(
    "write every SQL statement sent to the warehouse (BigQuery SQL) to DIR/<experiment>/NNNN-<what>.sql (env SLIPSTREAM_SQL_OUTPUT_DIR)",
  ),
)
export const outputDirOption = Options.text("output-dir").pipe(
  fromEnv(Config.string("SLIPSTREAM_OUTPUT_DIR")),
  Options.withDefault(defaultOutputDirectory),
  Options.withDescription(
    "folder the JSON exports and reports are written to, unless --bucket (env SLIPSTREAM_OUTPUT_DIR)",
  ),
)
export const bucketOption = Options.text("bucket").pipe(
  fromEnv(Config.string("SLIPSTREAM_BUCKET")),
  Options.optional,
  Options.withDescription(
    "GCS bucket (optionally bucket/prefix) the JSON exports and reports go to (env SLIPSTREAM_BUCKET)",
  ),
)

export const publishOptions = { outputDir: outputDirOption, bucket: bucketOption }

export type PublishOptions = {
  readonly outputDir: string
  readonly bucket: Option.Option<string>
}

export const concurrencyOption = Options.integer("concurrency").pipe(
  fromEnv(Config.integer("SLIPSTREAM_CONCURRENCY")),
  Options.withDefault(2),
  between("concurrency", 1, 64, "experiments at once, each with its own queries"),
  Options.withDescription("experiments analysed at once (env SLIPSTREAM_CONCURRENCY)"),
)
export const threadsOption = Options.integer("threads").pipe(
  fromEnv(Config.integer("SLIPSTREAM_THREADS")),
  Options.withDefault(defaultStatisticsThreads),
  between("threads", 0, 64, "each thread holds a copy of the statistics' working memory"),
  Options.withDescription(
    "worker threads computing statistics; 0 computes on the main thread (env SLIPSTREAM_THREADS; default: one per core)",
  ),
)
export const logFormatOption = Options.choice("log-format", ["text", "json"]).pipe(
  fromEnv(Config.literal("text", "json")("SLIPSTREAM_LOG_FORMAT")),
  Options.withDefault("text" as const),
  Options.withDescription(
    "logs on stderr as readable lines or JSON lines (env SLIPSTREAM_LOG_FORMAT)",
  ),
)
/** `--log-level` without its default: the demo's default differs. */
export const logLevelChoice = Options.choice("log-level", [
  "debug",
  "info",
  "warning",
  "error",
]).pipe(
  fromEnv(Config.literal("debug", "info", "warning", "error")("SLIPSTREAM_LOG_LEVEL")),
  Options.withDescription(
    "least severe log shown; debug shows every query with its duration (and bytes, slot-ms on BigQuery) (env SLIPSTREAM_LOG_LEVEL)",
  ),
)
export const logLevelOption = logLevelChoice.pipe(Options.withDefault("info" as const))

export const dateOption = Options.text("date").pipe(
  Options.optional,
  Options.withDescription("the analysis date, YYYY-MM-DD (default: yesterday, UTC)"),
)
export const experimentOption = Options.text("experiment").pipe(
  Options.repeated,
  Options.withDescription("only this experiment (repeatable)"),
)
export const periodsOption = Options.text("analysis-periods").pipe(
  Options.optional,
  Options.withDescription(`comma-separated periods to compute: ${analysisPeriods.join(",")}`),
)
export const metricOption = Options.text("metric").pipe(
  Options.repeated,
  Options.withDescription("only this metric (repeatable)"),
)
export const statisticsOnlyOption = Options.boolean("statistics-only").pipe(
  Options.withDescription("reuse the metrics tables; recompute statistics only"),
)
export const recreateEnrollmentsOption = Options.boolean("recreate-enrollments").pipe(
  Options.withDescription("rebuild enrollments_<slug> even when it exists"),
)
export const configFileOption = Options.file("config-file", { exists: "yes" }).pipe(
  Options.optional,
  Options.withDescription(
    "one experiment's config (metric-hub TOML) used instead of the repository's",
  ),
)
export const seedOption = Options.integer("seed").pipe(
  Options.withDefault(1),
  Options.withDescription("seed of every bootstrap: the same seed gives the same results"),
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
