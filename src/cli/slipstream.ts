import * as Command from "@effect/cli/Command"
import { commandDescription } from "./command-description.js"
import { analyzeAggregatesCommand } from "./commands/analyze-aggregates.js"
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

/** The commands, in the order `slipstream --help` lists them. */
export const commands = [
  runCommand,
  rerunCommand,
  rerunConfigChangedCommand,
  planCommand,
  ensureEnrollmentsCommand,
  exportCommand,
  demoCommand,
  validateConfigCommand,
  analyzeTableCommand,
  analyzeAggregatesCommand,
  demoDataCommand,
] as const

export const slipstream = Command.make("slipstream").pipe(
  Command.withDescription(
    commandDescription(
      "analyse online controlled experiments (A/B tests), the way Jetstream does",
      "Exit status: 0 when everything ran, 1 when something failed (the rest still ran) or a configuration is invalid, 2 on a usage error, 70 on an internal error, 130 or 143 when stopped by SIGINT or SIGTERM.",
    ),
  ),
  Command.withSubcommands(commands),
)

/** What `slipstream --version` prints: the package's version (a test checks they agree). */
export const version = "0.1.0"
