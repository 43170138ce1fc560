import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type { PlatformError } from "@effect/platform/Error"
import { Clock, Console, Effect, Layer, Option, Stream } from "effect"
import { type AnalysisPeriod, analysisPeriods } from "../domain/analysis-period.js"
import { addDays, type IsoDate, isIsoDateOnly } from "../domain/dates.js"
import { describeFailure } from "../pipeline/problem.js"
import { exportExperiments } from "../pipeline/publish/export.js"
import {
  experimentsWithChangedConfig,
  type RunSettings,
  rerunExperiments,
  runDate,
  runSettings,
  todayUtc,
} from "../pipeline/run.js"
import type { RunEvent } from "../pipeline/run-event.js"
import { summariseRun } from "../pipeline/run-summary.js"
import type { ConfigRepository } from "../services/config-repository.js"
import type { ExperimentSource, ExperimentSourceError } from "../services/experiment-source.js"
import type { ObjectStoreError } from "../services/object-store.js"
import { Warehouse, type WarehouseError } from "../services/warehouse/warehouse.js"
import { setExitCode } from "./exit-code.js"
import {
  customConfigOf,
  loggerLayer,
  objectStoreLayer,
  sourceLayers,
  telemetrySourcesFor,
  UsageError,
  warehouseLayer,
} from "./layers.js"
import { makeProgress } from "./progress.js"
import {
  concurrencyOption,
  configFileOption,
  dateOption,
  experimentOption,
  jsonOption,
  loggingOptions,
  metricOption,
  periodsOption,
  publishOptions,
  recreateEnrollmentsOption,
  seedOption,
  sourceOptions,
  statisticsOnlyOption,
  warehouseOptions,
} from "./run-options.js"
import { formatRunSummary } from "./run-summary-output.js"

const runOptions = {
  ...warehouseOptions,
  ...sourceOptions,
  ...publishOptions,
  concurrency: concurrencyOption,
  ...loggingOptions,
  experiments: experimentOption,
  periods: periodsOption,
  metrics: metricOption,
  statisticsOnly: statisticsOnlyOption,
  recreateEnrollments: recreateEnrollmentsOption,
  configFile: configFileOption,
  seed: seedOption,
  json: jsonOption,
}

type RunCommandOptions = Command.Command.ParseConfig<typeof runOptions>

export const parseDate = (text: string): Effect.Effect<IsoDate, UsageError> =>
  isIsoDateOnly(text)
    ? Effect.succeed(text as IsoDate)
    : Effect.fail(new UsageError({ message: `--date ${text}: not a YYYY-MM-DD date` }))

/** `--date`, or yesterday in UTC: the last complete day of telemetry. */
export const dateOrYesterday = (date: Option.Option<string>) =>
  Option.match(date, {
    onNone: () => todayUtc.pipe(Effect.map((today) => addDays(today, -1))),
    onSome: parseDate,
  })

const parsePeriods = (text: Option.Option<string>) =>
  Effect.gen(function* () {
    if (Option.isNone(text)) return undefined
    const periods = text.value.split(",").map((period) => period.trim())
    const unknown = periods.filter((period) => !analysisPeriods.some((known) => known === period))
    if (unknown.length > 0) {
      return yield* new UsageError({
        message: `--analysis-periods: unknown ${unknown.join(", ")}; known: ${analysisPeriods.join(", ")}`,
      })
    }
    return periods as ReadonlyArray<AnalysisPeriod>
  })

const settingsOf = (options: RunCommandOptions) =>
  Effect.gen(function* () {
    const customConfig = yield* customConfigOf(options.configFile)
    if (customConfig !== undefined && options.experiments.length !== 1) {
      return yield* new UsageError({ message: "--config-file applies to exactly one --experiment" })
    }
    const periods = yield* parsePeriods(options.periods)
    const settings: RunSettings = runSettings({
      sources: telemetrySourcesFor(options.engine),
      seed: options.seed,
      metrics: options.metrics,
      statisticsOnly: options.statisticsOnly,
      recreateEnrollments: options.recreateEnrollments,
      concurrency: Math.max(1, options.concurrency),
      experiments: options.experiments,
      ...(periods === undefined ? {} : { periods }),
      ...(customConfig === undefined ? {} : { customConfig }),
    })
    return settings
  })

/** How a run is shown: progress on stderr, summary on stdout. */
export interface RunDisplay {
  readonly json: boolean
  /** Windows the run will compute, when known: the progress bar's length. */
  readonly total?: number
  /** Where the outputs are, for the summary's last lines. */
  readonly outputs: ReadonlyArray<string>
}

/**
 * Runs a stream of run events with progress, then prints the summary (text, or JSON with
 * `--json`) and sets the exit status: 1 when anything failed.
 */
export const executeRun = <E, R>(events: Stream.Stream<RunEvent, E, R>, display: RunDisplay) =>
  Effect.gen(function* () {
    const progress = makeProgress({
      quiet: display.json,
      ...(display.total === undefined ? {} : { total: display.total }),
    })
    const started = yield* Clock.currentTimeMillis
    const collected = yield* events.pipe(Stream.tap(progress.onEvent), Stream.runCollect)
    yield* progress.done
    const summary = summariseRun(collected, (yield* Clock.currentTimeMillis) - started)
    const published = yield* exportExperiments(summary.started, {
      analysisStartTime: new Date(started).toISOString(),
    })
    const written = published.exported.flatMap(({ files }) =>
      files.filter(({ outcome }) => outcome === "written"),
    ).length
    const unchanged = published.exported.flatMap(({ files }) =>
      files.filter(({ outcome }) => outcome === "unchanged"),
    ).length
    const publishFailures = published.failures.map(
      ({ slug, error }) => `${slug}: ${describeFailure(error).message}`,
    )
    for (const failure of publishFailures) yield* Effect.logError(`export failed: ${failure}`)
    const cost = yield* (yield* Warehouse).costTotals
    yield* Effect.logInfo("run finished").pipe(
      Effect.annotateLogs({
        windows: summary.items,
        statistics_rows: summary.statisticsRows,
        errors: summary.errors.length,
        warnings: summary.warnings,
        milliseconds: summary.milliseconds,
        queries: cost.queries,
        query_milliseconds: cost.milliseconds,
        bytes_processed: cost.bytesProcessed,
        bytes_billed: cost.bytesBilled,
        slot_milliseconds: cost.slotMilliseconds,
      }),
    )
    const publication = { index: published.index, written, unchanged, failures: publishFailures }
    yield* Console.log(
      display.json
        ? JSON.stringify({ ...summary, warehouse: cost, published: publication }, null, 2)
        : formatRunSummary(summary, cost, [
            ...display.outputs,
            `published: ${written} files written, ${unchanged} unchanged${publishFailures.length === 0 ? "" : `, ${publishFailures.length} experiments failed to export`}`,
            `report: ${published.index}`,
          ]),
    )
    if (summary.failed || publishFailures.length > 0) yield* setExitCode(1)
    return summary
  })

/** Usage errors exit 2; an unreachable source, warehouse or object store exits 1 with its words. */
export const reportRunFailures = <A, R>(
  effect: Effect.Effect<
    A,
    UsageError | ExperimentSourceError | WarehouseError | ObjectStoreError | PlatformError,
    R
  >,
) =>
  effect.pipe(
    Effect.catchTags({
      UsageError: (error) =>
        Console.error(`slipstream: ${error.message}`).pipe(Effect.zipRight(setExitCode(2))),
      ExperimentSourceError: (error) =>
        Console.error(`slipstream: ${error.source}: ${error.message}`).pipe(
          Effect.zipRight(setExitCode(1)),
        ),
      WarehouseError: (error) =>
        Console.error(`slipstream: ${error.purpose}: ${error.message}`).pipe(
          Effect.zipRight(setExitCode(1)),
        ),
      ObjectStoreError: (error) =>
        Console.error(`slipstream: ${error.path}: ${error.message}`).pipe(
          Effect.zipRight(setExitCode(1)),
        ),
      SystemError: (error) =>
        Console.error(`slipstream: ${error.message}`).pipe(Effect.zipRight(setExitCode(1))),
      BadArgument: (error) =>
        Console.error(`slipstream: ${error.message}`).pipe(Effect.zipRight(setExitCode(1))),
    }),
  )

const execute = (
  options: RunCommandOptions,
  events: (
    settings: RunSettings,
  ) => Stream.Stream<
    RunEvent,
    ExperimentSourceError | WarehouseError | UsageError,
    Warehouse | ConfigRepository | ExperimentSource
  >,
) =>
  Effect.gen(function* () {
    const settings = yield* settingsOf(options)
    const warehouse = yield* warehouseLayer(options)
    const sources = yield* sourceLayers(options)
    const place =
      options.engine === "duckdb"
        ? options.duckDbPath
        : `${Option.getOrElse(options.projectId, () => "")}.${Option.getOrElse(options.datasetId, () => "")}`
    yield* executeRun(events(settings), {
      json: options.json,
      outputs: [`results: statistics_* tables and views, problems in the logs table, in ${place}`],
    }).pipe(Effect.provide(Layer.mergeAll(warehouse, sources, objectStoreLayer(options))))
  }).pipe(reportRunFailures, Effect.provide(loggerLayer(options)))

export const runCommand = Command.make("run", { ...runOptions, date: dateOption }, (options) =>
  execute(options, (settings) =>
    Stream.unwrap(
      dateOrYesterday(options.date).pipe(Effect.map((date) => runDate(date, settings))),
    ),
  ),
).pipe(
  Command.withDescription(
    "The daily run: every experiment live on --date (default yesterday) or ended at most 90 days before, each due analysis window computed and written. Exit 0 when everything ran, 1 when anything failed (the rest still ran).",
  ),
)

const requiredExperiments = Options.text("experiment").pipe(
  Options.repeated,
  Options.withDescription("the experiment to recompute (repeatable, at least one)"),
)

export const rerunCommand = Command.make(
  "rerun",
  { ...runOptions, experiments: requiredExperiments },
  (options) =>
    options.experiments.length === 0
      ? Console.error("slipstream rerun: name at least one --experiment").pipe(
          Effect.zipRight(setExitCode(2)),
        )
      : execute(options, (settings) => rerunExperiments(options.experiments, settings)),
).pipe(
  Command.withDescription(
    "Recompute experiments from scratch: every date from the start to the day after the end, or yesterday; enrollments recreated.",
  ),
)

export const rerunConfigChangedCommand = Command.make(
  "rerun-config-changed",
  runOptions,
  (options) =>
    execute(options, (settings) =>
      Stream.unwrap(
        experimentsWithChangedConfig().pipe(
          Effect.tap((slugs) =>
            Effect.logInfo(`configuration changed: ${slugs.join(", ") || "none"}`),
          ),
          Effect.map((slugs) => rerunExperiments(slugs, settings)),
        ),
      ),
    ),
).pipe(
  Command.withDescription(
    "Rerun exactly the experiments whose resolved configuration (custom config, defaults, definitions, outcomes) changed since their results were computed.",
  ),
)
