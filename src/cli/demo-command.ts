import * as Path from "node:path"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
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
import { duckDbWarehouse } from "../services/warehouse/duckdb.js"
import { Warehouse } from "../services/warehouse/warehouse.js"
import { reportRunFailures } from "./command-failures.js"
import { loggerLayer } from "./layers.js"
import { executeRun } from "./run-display.js"
import {
  between,
  duckDbPathOption,
  jsonOption,
  logFormatOption,
  logLevelChoice,
  outputDirOption,
  seedOption,
  threadsOption,
} from "./run-options.js"

const clients = Options.integer("clients").pipe(
  Options.withDefault(20_000),
  between("clients", 1, 10_000_000, "rows of generated telemetry, about 40 per client"),
  Options.withDescription("clients of the generated telemetry (when the warehouse is created)"),
)

/** The demo draws a progress bar: logs below warnings would break it, unless asked for. */
const demoLogLevel = logLevelChoice.pipe(Options.withDefault("warning" as const))

/** The demo's experiments: the Experimenter records shipped with the bundled config. */
export const demoExperimentsFile = Path.join(bundledConfigDirectory, "demo", "experiments.json")

export const demoCommand = Command.make(
  "demo",
  {
    clients,
    db: duckDbPathOption,
    seed: seedOption,
    json: jsonOption,
    logFormat: logFormatOption,
    logLevel: demoLogLevel,
    outputDir: outputDirOption,
    threads: threadsOption,
  },
  (options) =>
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
          duckDbWarehouse({ path: options.db }),
          ExperimentSource.local(demoExperimentsFile),
          ConfigRepository.fromDirectories([]),
          ObjectStore.localDirectory(options.outputDir),
          SummaryComputer.workerThreads(Math.max(0, options.threads)),
        ),
      ),
      reportRunFailures,
      Effect.provide(loggerLayer(options)),
    ),
).pipe(
  Command.withDescription(
    "The whole pipeline on the embedded default: creates the demo warehouse (DuckDB, generated telemetry with known effects) if absent, then runs the daily job over every date of the demo calendar.",
  ),
)
