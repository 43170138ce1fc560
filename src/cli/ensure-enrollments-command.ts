import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Console, Effect, Either, Layer } from "effect"
import { resolveAnalysisConfiguration } from "../domain/config/resolve-analysis.js"
import { ensureEnrollments } from "../pipeline/enrollments.js"
import { ConfigRepository } from "../services/config-repository.js"
import { ExperimentSource } from "../services/experiment-source.js"
import { reportRunFailures } from "./command-failures.js"
import {
  loggerLayer,
  sourceLayers,
  telemetrySourcesFor,
  UsageError,
  warehouseLayer,
} from "./layers.js"
import { analysisDateOrYesterday } from "./run-commands.js"
import {
  dateOption,
  loggingOptions,
  recreateEnrollmentsOption,
  sourceOptions,
  warehouseOptions,
} from "./run-options.js"

const experiment = Options.text("experiment").pipe(Options.withDescription("the experiment"))

export const ensureEnrollmentsCommand = Command.make(
  "ensure-enrollments",
  {
    ...warehouseOptions,
    ...sourceOptions,
    experiment,
    date: dateOption,
    recreate: recreateEnrollmentsOption,
    ...loggingOptions,
  },
  (options) =>
    Effect.gen(function* () {
      const date = yield* analysisDateOrYesterday(options.date)
      const layers = Layer.merge(yield* warehouseLayer(options), yield* sourceLayers(options))
      yield* Effect.gen(function* () {
        const found = yield* (yield* ExperimentSource).get(options.experiment)
        const { collection } = yield* ConfigRepository
        const resolved = resolveAnalysisConfiguration({ collection, experiment: found })
        if (Either.isLeft(resolved)) {
          return yield* new UsageError({
            message: `${options.experiment}: invalid configuration: ${resolved.left.map(({ path, message }) => `${path}: ${message}`).join("; ")}`,
          })
        }
        const configuration = resolved.right
        const outcome = yield* ensureEnrollments(configuration, date, {
          sources: telemetrySourcesFor(options.engine),
          recreate: options.recreate,
        })
        yield* Console.log(`${outcome.table}\t${outcome.created ? "created" : "exists"}`)
      }).pipe(Effect.provide(layers))
    }).pipe(reportRunFailures, Effect.provide(loggerLayer(options))),
).pipe(
  Command.withDescription(
    "Create an experiment's enrollments table (enrollments_<slug>) unless it exists (--recreate-enrollments: always).",
  ),
)
