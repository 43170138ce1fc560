import * as Path from "node:path"
import { Console, Duration, Effect, Layer } from "effect"
import { createDemoData } from "../pipeline/demo-data.js"
import {
  countDueWindows,
  demoRunSettings,
  demoTelemetryTable,
  runDemoCalendar,
} from "../pipeline/demo-run.js"
import { bundledConfigDirectory, ConfigRepository } from "../services/config-repository.js"
import { ExperimentSource } from "../services/experiment-source.js"
import { ObjectStore } from "../services/object-store.js"
import { SummaryComputer } from "../services/summary-computer.js"
import { Warehouse } from "../services/warehouse/warehouse.js"
import { reportRunFailures } from "./command-failures.js"
import type { DemoOptions } from "./commands/demo.js"
import { loggerLayer } from "./logging.js"
import { executeRun } from "./run-display.js"

// What `slipstream demo` does; its flags are in commands/demo.ts.

/** The demo's experiments: the Experimenter records shipped with the bundled config. */
export const demoExperimentsFile = Path.join(bundledConfigDirectory, "demo", "experiments.json")

export const demoHandler = (options: DemoOptions) =>
  Effect.gen(function* () {
    const settings = demoRunSettings(options.seed)
    const warehouse = yield* Warehouse
    if (yield* warehouse.tableExists(demoTelemetryTable)) {
      yield* Console.error(`using the demo warehouse ${options.db} (delete it to regenerate)`)
    } else {
      yield* Console.error(
        `creating the demo warehouse ${options.db}: telemetry of ${options.clients} clients…`,
      )
      const [elapsed] = yield* Effect.timed(
        createDemoData({ clients: options.clients, seed: options.seed }),
      )
      yield* Console.error(`created in ${(Duration.toMillis(elapsed) / 1000).toFixed(1)} s`)
    }
    const total = yield* countDueWindows(settings)
    yield* executeRun(runDemoCalendar(settings), {
      json: options.json,
      total,
      outputs: [
        `results: statistics_* tables and views, problems in the logs table, in ${options.db}`,
      ],
    })
  }).pipe(
    Effect.provide(
      Layer.mergeAll(
        Warehouse.duckDb({ path: options.db }),
        ExperimentSource.local(demoExperimentsFile),
        ConfigRepository.fromDirectories([]),
        ObjectStore.localDirectory(options.outputDir),
        SummaryComputer.workerThreads(Math.max(0, options.threads)),
      ),
    ),
    reportRunFailures,
    Effect.provide(loggerLayer(options)),
  )
