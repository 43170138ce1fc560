import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { commandDescription } from "../command-description.js"
import { handledBy } from "../handled-by.js"
import { withDefaultShown } from "../option-help.js"
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
  Options.withPseudoName("N"),
  Options.withDescription("clients, when it creates the warehouse"),
  withDefaultShown(20_000, "20,000"),
  between("clients", 1, 10_000_000, "rows of generated telemetry, about 40 per client"),
)

/** The demo draws a progress bar: logs below warnings would break it, unless asked for. */
const demoLogLevel = logLevelChoice.pipe(withDefaultShown("warning" as const))

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
    commandDescription(
      "the whole pipeline on generated telemetry in DuckDB, as npm start runs it",
      "Creates the demo warehouse (generated telemetry with known effects) unless it exists, then runs the daily job over every date of the demo calendar and publishes the results and reports.",
    ),
  ),
)
