#!/usr/bin/env node
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect, Logger } from "effect"
import { analyzeTableCommand } from "./analyze-table-command.js"
import { demoCommand } from "./demo-command.js"
import { demoDataCommand } from "./demo-data-command.js"
import { ensureEnrollmentsCommand } from "./ensure-enrollments-command.js"
import { setExitCode } from "./exit-code.js"
import { exportCommand } from "./export-command.js"
import { textLogger } from "./layers.js"
import { planCommand } from "./plan-command.js"
import { rerunCommand, rerunConfigChangedCommand, runCommand } from "./run-commands.js"
import { validateConfigCommand } from "./validate-config-command.js"

const slipstream = Command.make("slipstream").pipe(
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

const cli = Command.run(slipstream, { name: "slipstream", version: "0.1.0" })

cli(process.argv).pipe(
  // @effect/cli has already printed what was wrong with the command line.
  Effect.catchIf(ValidationError.isValidationError, () => setExitCode(2)),
  Effect.provide(NodeContext.layer),
  // Logs go to stderr: stdout is for data.
  Effect.provide(Logger.replace(Logger.defaultLogger, textLogger)),
  NodeRuntime.runMain({
    disablePrettyLogger: true,
    // 70 (EX_SOFTWARE): an unexpected failure, never to be read as "invalid" (1).
    teardown: (exit, onExit) =>
      onExit(exit._tag === "Failure" ? 70 : Number(process.exitCode ?? 0)),
  }),
)
