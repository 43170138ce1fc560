import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { handledBy } from "../handled-by.js"
import {
  between,
  duckDbPathOption,
  jsonOption,
  logFormatOption,
  logLevelChoice,
  outputDirOption,
  seedOption,
  threadsOption,
} from "../run-options.js"

// The flags, arguments and description of `slipstream demo`. What it does is in
// ../demo-command.ts, imported when it runs.

const clients = Options.integer("clients").pipe(
  Options.withDefault(20_000),
  between("clients", 1, 10_000_000, "rows of generated telemetry, about 40 per client"),
  Options.withDescription("clients of the generated telemetry (when the warehouse is created)"),
)

/** The demo draws a progress bar: logs below warnings would break it, unless asked for. */
const demoLogLevel = logLevelChoice.pipe(Options.withDefault("warning" as const))

const demoConfig = {
  clients,
  db: duckDbPathOption,
  seed: seedOption,
  json: jsonOption,
  logFormat: logFormatOption,
  logLevel: demoLogLevel,
  outputDir: outputDirOption,
  threads: threadsOption,
}

export type DemoOptions = Command.Command.ParseConfig<typeof demoConfig>

export const demoCommand = Command.make(
  "demo",
  demoConfig,
  handledBy(() => import("../demo-command.js").then((module) => module.demoHandler)),
).pipe(
  Command.withDescription(
    "The whole pipeline on the embedded default: creates the demo warehouse (DuckDB, generated telemetry with known effects) if absent, then runs the daily job over every date of the demo calendar.",
  ),
)
