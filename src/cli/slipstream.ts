import * as Command from "@effect/cli/Command"
import { analyzeTableCommand } from "./commands/analyze-table.js"
import { demoCommand } from "./commands/demo.js"
import { demoDataCommand } from "./commands/demo-data.js"
import { ensureEnrollmentsCommand } from "./commands/ensure-enrollments.js"
import { exportCommand } from "./commands/export.js"
import { planCommand } from "./commands/plan.js"
import { rerunCommand, rerunConfigChangedCommand, runCommand } from "./commands/run.js"
import { validateConfigCommand } from "./commands/validate-config.js"

/*
 * The command line: every command with its flags, arguments and description. Only the
 * definitions are imported here; each command's handler, and with it the pipeline, DuckDB
 * and the Google clients, is imported when that command runs (handled-by.ts).
 */

export const slipstream = Command.make("slipstream").pipe(
  Command.withDescription(
    "Analyse online controlled experiments (A/B tests), the way Jetstream does.",
  ),
  Command.withSubcommands([
    runCommand,
    rerunCommand,
    rerunConfigChangedCommand,
    planCommand,
    ensureEnrollmentsCommand,
    exportCommand,
    demoCommand,
    validateConfigCommand,
    analyzeTableCommand,
    demoDataCommand,
  ]),
)

/** What `slipstream --version` prints. */
export const version = "0.1.0"
