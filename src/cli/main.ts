#!/usr/bin/env node
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Effect, Logger } from "effect"
import { analyzeTableCommand } from "./analyze-table-command.js"
import { demoCommand } from "./demo-command.js"
import { demoDataCommand } from "./demo-data-command.js"
import { ensureEnrollmentsCommand } from "./ensure-enrollments-command.js"
import { setExitCode } from "./exit-code.js"
import { exportCommand } from "./export-command.js"
import { textLogger } from "./layers.js"
import { planCommand } from "./plan-command.js"
import { rerunCommand, rerunConfigChangedCommand, runCommand } from "./run-commands.js"
import {
  debugRequested,
  exitStatusOf,
  stoppedBySignal,
  stopSignal,
  unexpectedFailureText,
  watchStopSignals,
} from "./stopping.js"
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

watchStopSignals()

cli(process.argv).pipe(
  // @effect/cli has already printed what was wrong with the command line.
  Effect.catchIf(ValidationError.isValidationError, () => setExitCode(2)),
  // An unexpected failure: one line on stderr (stdout may be JSON), the stack under debug;
  // the failure stays, for the exit status. An interruption passes through untouched.
  Effect.tapErrorCause((cause) =>
    Cause.isInterruptedOnly(cause) || stoppedBySignal(cause, stopSignal())
      ? Effect.void
      : Effect.sync(() => {
          const debug = debugRequested(process.argv, process.env)
          process.stderr.write(`${unexpectedFailureText(cause, debug)}\n`)
        }),
  ),
  Effect.provide(NodeContext.layer),
  // Logs go to stderr: stdout is for data.
  Effect.provide(Logger.replace(Logger.defaultLogger, textLogger)),
  NodeRuntime.runMain({
    disablePrettyLogger: true,
    disableErrorReporting: true,
    // 130 / 143 when SIGINT / SIGTERM stopped the run (what completed is in its summary);
    // 70 (EX_SOFTWARE) for an unexpected failure, never to be read as "invalid" (1).
    teardown: (exit, onExit) => {
      const signal = stopSignal()
      const code = exitStatusOf(exit, signal)
      if (signal !== undefined && code !== Number(process.exitCode ?? 0)) {
        process.stderr.write(`slipstream: stopped by ${signal} (exit ${code})\n`)
      }
      onExit(code)
    },
  }),
)
