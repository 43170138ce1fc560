import { Console, Effect, Layer, Logger, LogLevel, Option, Stream } from "effect"
import type { IsoDate } from "../domain/dates.js"
import { analyseExperiment } from "../pipeline/analyse-experiment.js"
import { type PlannedExperiment, planExperiment, selectExperiments } from "../pipeline/plan.js"
import { refusedExperiments } from "../pipeline/refused-experiments.js"
import { booleanMetricNames } from "../pipeline/rehearsal.js"
import { runSettings } from "../pipeline/run.js"
import { ConfigRepository } from "../services/config-repository.js"
import { ExperimentSource } from "../services/experiment-source.js"
import type { PlanOptions } from "./commands/plan.js"
import { setExitCode } from "./exit-code.js"
import { customConfigOf, sourceLayers, telemetrySourcesFor } from "./layers.js"
import { qualifiedNameFor, rehearsalLayer } from "./rehearsal-layers.js"
import { dateOrYesterday } from "./run-commands.js"

// What `slipstream plan` does; its flags are in commands/plan.ts.

/** One experiment's plan as printed: what is due, or why nothing is. */
interface PlanLine {
  readonly experiment: string
  readonly status: string
  readonly windows: ReadonlyArray<{ readonly period: string; readonly index: number }>
  readonly reasonType?: string
  readonly reason?: string
}

const lineOf = (planned: PlannedExperiment): PlanLine =>
  planned.status === "due"
    ? {
        experiment: planned.experiment.slug,
        status: planned.status,
        windows: planned.due.map(({ window }) => ({ period: window.period, index: window.index })),
      }
    : {
        experiment: planned.experiment.slug,
        status: planned.status,
        windows: [],
        reasonType: planned.reasonType,
        reason: planned.reason,
      }

const formatLines = (date: IsoDate, lines: ReadonlyArray<PlanLine>) =>
  lines.length === 0
    ? `${date}: no experiment is live or ended in the last 90 days`
    : lines
        .map((line) =>
          line.status === "due"
            ? `${line.experiment}\tdue\t${line.windows.map(({ period, index }) => `${period} ${index}`).join(", ")}`
            : `${line.experiment}\t${line.status}\t${line.reasonType}: ${line.reason}`,
        )
        .join("\n")

export const planHandler = (options: PlanOptions) =>
  Effect.gen(function* () {
    const date = yield* dateOrYesterday(options.date)
    const customConfig = yield* customConfigOf(options.configFile)
    const layers = yield* sourceLayers(options)
    const planned = yield* Effect.gen(function* () {
      const { experiments, errors } = yield* (yield* ExperimentSource).list
      const { collection } = yield* ConfigRepository
      for (const error of errors) yield* Effect.logWarning(error.message)
      const refused = refusedExperiments(experiments)
      return selectExperiments(experiments, date, options.experiments).map(
        (experiment): PlannedExperiment => {
          const refusal = refused.get(experiment.slug)
          return refusal === undefined
            ? planExperiment(collection, experiment, date, {
                ...(customConfig === undefined ? {} : { customConfig }),
              })
            : {
                status: "invalid",
                experiment,
                reasonType: refusal.type,
                reason: refusal.message,
              }
        },
      )
    }).pipe(Effect.provide(Layer.fresh(layers)))
    const lines = planned.map(lineOf)
    yield* Console.log(
      options.json
        ? JSON.stringify({ date, experiments: lines }, null, 2)
        : formatLines(date, lines),
    )
    if (Option.isSome(options.sqlOutputDir)) {
      const due = planned.flatMap((plan) => (plan.status === "due" ? [plan] : []))
      const settings = runSettings({ sources: telemetrySourcesFor(options.engine) })
      yield* Effect.forEach(
        due,
        (plan) => Stream.runDrain(analyseExperiment(plan, date, settings)),
        {
          discard: true,
        },
      ).pipe(
        // What the rehearsal would log ("enrollments created") is not true of anything.
        Logger.withMinimumLogLevel(LogLevel.Warning),
        Effect.provide(
          rehearsalLayer({
            directory: options.sqlOutputDir,
            qualifiedName: qualifiedNameFor(options.engine, options.projectId, options.datasetId),
            booleanColumns: booleanMetricNames(due.map(({ configuration }) => configuration)),
          }),
        ),
      )
      yield* Console.error(
        `SQL of ${due.length} ${due.length === 1 ? "experiment" : "experiments"} written to ${options.sqlOutputDir.value}`,
      )
    }
    if (lines.some(({ status }) => status === "invalid")) yield* setExitCode(1)
  }).pipe(
    Effect.catchTags({
      UsageError: (error) =>
        Console.error(`slipstream plan: ${error.message}`).pipe(Effect.zipRight(setExitCode(2))),
      ExperimentSourceError: (error) =>
        Console.error(`slipstream plan: ${error.source}: ${error.message}`).pipe(
          Effect.zipRight(setExitCode(1)),
        ),
    }),
  )
