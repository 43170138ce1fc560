import { Clock, Console, Effect, Layer } from "effect"
import { sanitizeName } from "../domain/table-names.js"
import { describeFailure } from "../pipeline/problem.js"
import { exportExperiments } from "../pipeline/publish/export.js"
import { ExperimentSource } from "../services/experiment-source.js"
import { Warehouse } from "../services/warehouse/warehouse.js"
import { reportRunFailures } from "./command-failures.js"
import type { ExportOptions } from "./commands/export.js"
import { setExitCode } from "./exit-code.js"
import { objectStoreLayer, sourceLayers, warehouseLayer } from "./layers.js"
import { loggerLayer } from "./logging.js"

// What `slipstream export` does; its flags are in commands/export.ts.

/** Experiments of the source with statistics in the warehouse: what `export` publishes by default. */
const experimentsWithResults = Effect.gen(function* () {
  const tables = yield* (yield* Warehouse).listTables("statistics_")
  const { experiments } = yield* (yield* ExperimentSource).list
  return experiments
    .map(({ slug }) => slug)
    .filter((slug) => tables.some((table) => table.startsWith(`statistics_${sanitizeName(slug)}_`)))
})

export const exportHandler = (options: ExportOptions) =>
  Effect.gen(function* () {
    const layers = Layer.mergeAll(yield* warehouseLayer(options), yield* sourceLayers(options))
    yield* Effect.gen(function* () {
      const slugs =
        options.experiments.length > 0 ? options.experiments : yield* experimentsWithResults
      const started = new Date(yield* Clock.currentTimeMillis).toISOString()
      const { exported, failures, index, indexFailure } = yield* exportExperiments(slugs, {
        analysisStartTime: started,
      })
      const files = exported.flatMap(({ slug, files }) => files.map((file) => ({ slug, ...file })))
      const failed = [
        ...failures.map(({ slug, error }) => ({ slug, ...describeFailure(error) })),
        ...(indexFailure === undefined
          ? []
          : [{ slug: "report index", ...describeFailure(indexFailure) }]),
      ]
      yield* Console.log(
        options.json
          ? JSON.stringify({ index, files, failures: failed }, null, 2)
          : [
              ...files.map(({ path, outcome }) => `${outcome}\t${path}`),
              ...failed.map(({ slug, message }) => `FAILED\t${slug}: ${message}`),
              `report: ${index}`,
            ].join("\n"),
      )
      if (failed.length > 0) yield* setExitCode(1)
    }).pipe(
      Effect.provide(layers),
      // Opened first: an output folder that cannot be written is refused before the
      // warehouse is opened.
      Effect.provide(objectStoreLayer(options)),
    )
  }).pipe(reportRunFailures, Effect.provide(loggerLayer(options)))
