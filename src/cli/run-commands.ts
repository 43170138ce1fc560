import { Console, Effect, Layer, Option, Stream } from "effect"
import { type AnalysisPeriod, analysisPeriods } from "../domain/analysis-period.js"
import { addDays, compareDates, type IsoDate, isIsoDateOnly } from "../domain/dates.js"
import {
  experimentsWithChangedConfig,
  type RunSettings,
  rerunExperiments,
  runDate,
  runSettings,
  todayUtc,
} from "../pipeline/run.js"
import type { RunEvent } from "../pipeline/run-event.js"
import type { ConfigRepository } from "../services/config-repository.js"
import type { ExperimentSource, ExperimentSourceError } from "../services/experiment-source.js"
import { SummaryComputer } from "../services/summary-computer.js"
import type { Warehouse, WarehouseError } from "../services/warehouse/warehouse.js"
import { reportRunFailures } from "./command-failures.js"
import type { RunCommandOptions, RunOptions } from "./commands/run.js"
import { setExitCode } from "./exit-code.js"
import {
  customConfigOf,
  objectStoreLayer,
  recordedWarehouseLayer,
  sourceLayers,
  telemetrySourcesFor,
  UsageError,
  warehouseLayer,
} from "./layers.js"
import { loggerLayer } from "./logging.js"
import { executeRun, type RunDisplay, runAgain } from "./run-display.js"

// What `slipstream run`, `rerun` and `rerun-config-changed` do; their flags are in
// commands/run.ts.

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

/**
 * The date to compute: yesterday at the latest. A later date has no complete telemetry; its
 * results would be made up (all-zero estimates of windows that have not happened) and the
 * enrollments table, made once, would miss the clients still to come.
 */
export const analysisDateOrYesterday = (date: Option.Option<string>) =>
  Effect.gen(function* () {
    const parsed = yield* dateOrYesterday(date)
    const yesterday = addDays(yield* todayUtc, -1)
    if (compareDates(parsed, yesterday) > 0) {
      return yield* new UsageError({
        message: `--date ${parsed} is after yesterday (${yesterday}, UTC): its telemetry is not complete`,
      })
    }
    return parsed
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

const execute = (
  options: RunCommandOptions,
  events: (
    settings: RunSettings,
  ) => Stream.Stream<
    RunEvent,
    ExperimentSourceError | WarehouseError | UsageError,
    Warehouse | ConfigRepository | ExperimentSource
  >,
  resume?: RunDisplay["resume"],
) =>
  Effect.gen(function* () {
    const settings = yield* settingsOf(options)
    const warehouse = recordedWarehouseLayer(yield* warehouseLayer(options), options.sqlOutputDir)
    const sources = yield* sourceLayers(options)
    const place =
      options.engine === "duckdb"
        ? options.duckDbPath
        : `${Option.getOrElse(options.projectId, () => "")}.${Option.getOrElse(options.datasetId, () => "")}`
    yield* executeRun(events(settings), {
      json: options.json,
      outputs: [`results: statistics_* tables and views, problems in the logs table, in ${place}`],
      ...(resume === undefined ? {} : { resume }),
    }).pipe(
      Effect.provide(
        Layer.mergeAll(
          warehouse,
          sources,
          SummaryComputer.workerThreads(Math.max(0, options.threads)),
        ),
      ),
      // Opened first: an output folder that cannot be written is refused (exit 2) before
      // the warehouse is opened and anything computed.
      Effect.provide(objectStoreLayer(options)),
    )
  }).pipe(reportRunFailures, Effect.provide(loggerLayer(options)))

export const runHandler = (options: RunOptions) =>
  // The date is checked before the warehouse is opened: a refused run leaves nothing behind.
  analysisDateOrYesterday(options.date).pipe(
    Effect.matchEffect({
      onFailure: (error) => reportRunFailures(Effect.fail(error)),
      onSuccess: (date) => execute(options, (settings) => runDate(date, settings)),
    }),
  )

export const rerunHandler = (options: RunCommandOptions) =>
  options.experiments.length === 0
    ? Console.error("slipstream rerun: name at least one --experiment").pipe(
        Effect.zipRight(setExitCode(2)),
      )
    : execute(options, (settings) => rerunExperiments(options.experiments, settings))

/**
 * A stopped rerun-config-changed: an experiment's new configuration hash is stored with its
 * first date, so the experiments it had started on are no longer "changed" and are rerun by
 * name; the command itself finds the others.
 */
const resumeConfigChanged: RunDisplay["resume"] = ({ started }) =>
  started.length === 0
    ? runAgain
    : `to complete it, rerun the experiments it had started on (their new configuration is recorded, so rerun-config-changed no longer sees them): slipstream rerun ${started.map((slug) => `--experiment ${slug}`).join(" ")}, then rerun-config-changed for the rest`

export const rerunConfigChangedHandler = (options: RunCommandOptions) =>
  execute(
    options,
    (settings) =>
      Stream.unwrap(
        experimentsWithChangedConfig().pipe(
          Effect.tap((slugs) =>
            Effect.logInfo(`configuration changed: ${slugs.join(", ") || "none"}`),
          ),
          Effect.map((slugs) => rerunExperiments(slugs, settings)),
        ),
      ),
    resumeConfigChanged,
  )
