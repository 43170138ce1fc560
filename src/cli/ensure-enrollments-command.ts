import { Console, Effect, Either, Layer } from "effect"
import { resolveAnalysisConfiguration } from "../domain/config/resolve-analysis.js"
import { ensureEnrollments } from "../pipeline/enrollments.js"
import { ConfigRepository } from "../services/config-repository.js"
import { ExperimentSource } from "../services/experiment-source.js"
import { reportRunFailures } from "./command-failures.js"
import type { EnsureEnrollmentsOptions } from "./commands/ensure-enrollments.js"
import { sourceLayers, telemetrySourcesFor, UsageError, warehouseLayer } from "./layers.js"
import { loggerLayer } from "./logging.js"
import { analysisDateOrYesterday } from "./run-commands.js"

// What `slipstream ensure-enrollments` does; its flags are in commands/ensure-enrollments.ts.

export const ensureEnrollmentsHandler = (options: EnsureEnrollmentsOptions) =>
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
  }).pipe(reportRunFailures, Effect.provide(loggerLayer(options)))
