import * as Command from "@effect/cli/Command"
import { Console, Effect, Layer } from "effect"
import { planExperiment, selectExperiments } from "../pipeline/plan.js"
import { ConfigRepository } from "../services/config-repository.js"
import { ExperimentSource } from "../services/experiment-source.js"
import { setExitCode } from "./exit-code.js"
import { customConfigOf, sourceLayers } from "./layers.js"
import { dateOrYesterday } from "./run-commands.js"
import {
  configFileOption,
  dateOption,
  experimentOption,
  jsonOption,
  sourceOptions,
} from "./run-options.js"

/** One experiment's plan as printed: what is due, or why nothing is. */
interface PlanLine {
  readonly experiment: string
  readonly status: string
  readonly windows: ReadonlyArray<{ readonly period: string; readonly index: number }>
  readonly reasonType?: string
  readonly reason?: string
}

export const planCommand = Command.make(
  "plan",
  {
    ...sourceOptions,
    date: dateOption,
    experiments: experimentOption,
    configFile: configFileOption,
    json: jsonOption,
  },
  (options) =>
    Effect.gen(function* () {
      const date = yield* dateOrYesterday(options.date)
      const customConfig = yield* customConfigOf(options.configFile)
      const layers = yield* sourceLayers(options)
      const lines = yield* Effect.gen(function* () {
        const { experiments, errors } = yield* (yield* ExperimentSource).list
        const { collection } = yield* ConfigRepository
        for (const error of errors) yield* Effect.logWarning(error.message)
        return selectExperiments(experiments, date, options.experiments).map(
          (experiment): PlanLine => {
            const planned = planExperiment(collection, experiment, date, {
              ...(customConfig === undefined ? {} : { customConfig }),
            })
            return planned.status === "due"
              ? {
                  experiment: experiment.slug,
                  status: planned.status,
                  windows: planned.due.map(({ window }) => ({
                    period: window.period,
                    index: window.index,
                  })),
                }
              : {
                  experiment: experiment.slug,
                  status: planned.status,
                  windows: [],
                  reasonType: planned.reasonType,
                  reason: planned.reason,
                }
          },
        )
      }).pipe(Effect.provide(Layer.fresh(layers)))
      yield* Console.log(
        options.json
          ? JSON.stringify({ date, experiments: lines }, null, 2)
          : lines.length === 0
            ? `${date}: no experiment is live or ended in the last 90 days`
            : lines
                .map((line) =>
                  line.status === "due"
                    ? `${line.experiment}\tdue\t${line.windows.map(({ period, index }) => `${period} ${index}`).join(", ")}`
                    : `${line.experiment}\t${line.status}\t${line.reasonType}: ${line.reason}`,
                )
                .join("\n"),
      )
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
    ),
).pipe(
  Command.withDescription(
    "Show what a run on --date would do, without running it: each experiment's due windows, or why it is not analysed (readiness, skip, rollout, invalid configuration). Exit 1 when a configuration is invalid.",
  ),
)
