import { FileSystem } from "@effect/platform/FileSystem"
import { Config, Data, Effect, Layer, Option } from "effect"
import { demoTelemetrySources } from "../demo/demo-telemetry.js"
import { isHttpUrl } from "../domain/config/browsable-url.js"
import { errorsOf, warningsOf } from "../domain/config/config-issue.js"
import { parseConfigFile } from "../domain/config/parse-file.js"
import type { AnalysisSpec } from "../domain/config/spec.js"
import { ConfigRepository, type ConfigUrlBase } from "../services/config-repository.js"
import { ExperimentSource } from "../services/experiment-source.js"
import { ObjectStore } from "../services/object-store.js"
import { Warehouse, type WarehouseError } from "../services/warehouse/warehouse.js"
import { bigQueryTelemetrySources, type TelemetrySources } from "../sql/enrollments-query.js"
import type { PublishOptions, SourceOptions, WarehouseOptions } from "./run-options.js"

/** A setting the command line or environment got wrong: exit status 2, like a bad flag. */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/**
 * The warehouse the options name: DuckDB (a file) or BigQuery (project and dataset). With
 * `mustExist` (the default: run, rerun, export, ensure-enrollments) a DuckDB file that is not
 * there is a usage error rather than a new empty database, which a mistyped path would make.
 */
export const warehouseLayer = (
  options: WarehouseOptions,
  { mustExist }: { readonly mustExist: boolean } = { mustExist: true },
) => {
  if (options.engine === "duckdb") {
    const path = options.duckDbPath
    const layer = Warehouse.duckDb({ path })
    if (!mustExist || path === ":memory:") return Effect.succeed(layer)
    return Effect.flatMap(FileSystem, (fs) => fs.exists(path)).pipe(
      Effect.filterOrFail(
        (exists) => exists,
        () =>
          new UsageError({
            message: `no DuckDB database at ${path}; create one with \`slipstream demo-data\` or give the right --duckdb-path`,
          }),
      ),
      Effect.as(layer),
    )
  }
  if (Option.isNone(options.projectId) || Option.isNone(options.datasetId)) {
    return Effect.fail(
      new UsageError({
        message:
          "--engine bigquery needs --project-id and --dataset-id (or SLIPSTREAM_PROJECT_ID, SLIPSTREAM_DATASET_ID)",
      }),
    )
  }
  return Effect.succeed(
    Warehouse.bigQuery({
      projectId: options.projectId.value,
      datasetId: options.datasetId.value,
      labels: { application: "slipstream" },
    }),
  )
}

/** The warehouse, recording every statement under `--sql-output-dir` when it is given. */
export const recordedWarehouseLayer = (
  warehouse: Layer.Layer<Warehouse, WarehouseError>,
  sqlOutputDir: Option.Option<string>,
) =>
  Option.match(sqlOutputDir, {
    onNone: () => warehouse,
    onSome: (directory) => Warehouse.recordingStatements(directory).pipe(Layer.provide(warehouse)),
  })

/**
 * Where exports go: a GCS bucket (`bucket` or `bucket/prefix`), else a local folder, which
 * is checked when the Layer is built: one that cannot be written is a wrong setting (exit 2),
 * said before anything is computed rather than after.
 */
export const objectStoreLayer = (options: PublishOptions) =>
  Option.match(options.bucket, {
    onNone: () =>
      ObjectStore.writableLocalDirectory(options.outputDir).pipe(
        Layer.mapError(
          (error) =>
            new UsageError({ message: `--output-dir ${options.outputDir}: ${error.message}` }),
        ),
      ),
    onSome: (address) => {
      const [bucket = "", ...prefix] = address.replace(/^gs:\/\//, "").split("/")
      return ObjectStore.gcs({
        bucket,
        ...(prefix.length === 0 ? {} : { prefix: prefix.join("/") }),
      })
    },
  })

/** Where enrollment events are: BigQuery's tables, or the demo warehouse's. */
export const telemetrySourcesFor = (engine: WarehouseOptions["engine"]): TelemetrySources =>
  engine === "bigquery" ? bigQueryTelemetrySources : demoTelemetrySources

/** A repeatable option's flags, else its environment variable (comma-separated). */
const flagsOrEnvironment = (flags: ReadonlyArray<string>, variable: string) =>
  flags.length > 0
    ? Effect.succeed(flags)
    : Config.array(Config.string(), variable).pipe(
        Config.withDefault([] as ReadonlyArray<string>),
        Effect.map((repos) => repos.filter((repo) => repo.trim() !== "")),
        Effect.mapError((error) => new UsageError({ message: String(error) })),
      )

/** `URL` (every checkout) or `DIR=URL` (that checkout), the URL an absolute http(s) one. */
const configUrlBaseOf = (text: string) => {
  const split = text.match(/^(?!https?:)([^=]+)=(.+)$/)
  const entry: ConfigUrlBase =
    split === null ? { base: text } : { directory: split[1] ?? "", base: split[2] ?? "" }
  return isHttpUrl(entry.base)
    ? Effect.succeed(entry)
    : Effect.fail(
        new UsageError({
          message: `--config-url-base ${text}: not an http(s) address (URL, or DIR=URL for one --config-repo)`,
        }),
      )
}

/** The experiment source and configuration repository the options name. */
export const sourceLayers = (options: SourceOptions) =>
  Effect.gen(function* () {
    const repos = yield* flagsOrEnvironment(options.configRepos, "SLIPSTREAM_CONFIG_REPOS")
    const experiments = Option.match(options.experimentsFile, {
      onNone: () => ExperimentSource.http({ baseUrl: options.experimenterUrl }),
      onSome: (path) => ExperimentSource.local(path),
    })
    const urlBases = yield* Effect.forEach(
      yield* flagsOrEnvironment(options.configUrlBases, "SLIPSTREAM_CONFIG_URL_BASES"),
      configUrlBaseOf,
    )
    return Layer.merge(experiments, ConfigRepository.fromDirectories(repos, { urlBases }))
  })

/**
 * `--config-file`: one experiment's config, decoded. Its errors are a usage error; its
 * warnings (an unknown key, ...) are logged, and the config is used, as a repository's would be.
 */
export const customConfigOf = (file: Option.Option<string>) =>
  Effect.gen(function* () {
    if (Option.isNone(file)) return undefined
    const fs = yield* FileSystem
    const text = yield* fs.readFileString(file.value)
    const parsed = parseConfigFile(file.value, text)
    const errors = errorsOf(parsed.issues)
    if (errors.length > 0 || parsed.decoded?.kind !== "experiment") {
      return yield* new UsageError({
        message: `${file.value} is not a valid experiment config: ${
          errors.map(({ path, message }) => `${path}: ${message}`).join("; ") ||
          "not an experiment config"
        }`,
      })
    }
    for (const { path, message } of warningsOf(parsed.issues)) {
      yield* Effect.logWarning(`${file.value}: ${path}: ${message}`)
    }
    return parsed.decoded.spec satisfies AnalysisSpec
  })
