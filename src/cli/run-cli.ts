import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Effect, Logger } from "effect"
import { setExitCode } from "./exit-code.js"
import { textLogger } from "./logging.js"
import { slipstream, version } from "./slipstream.js"
import {
  debugRequested,
  exitStatusOf,
  stoppedBySignal,
  stopSignal,
  unexpectedFailureText,
  watchStopSignals,
} from "./stopping.js"

const cli = Command.run(slipstream, { name: "slipstream", version })

/** Runs the command `argv` names (as process.argv: node, the script, then the arguments). */
export const runCli = (argv: ReadonlyArray<string>): void => {
  watchStopSignals()
  cli(argv).pipe(
    // @effect/cli has already printed what was wrong with the command line.
    Effect.catchIf(ValidationError.isValidationError, () => setExitCode(2)),
    // An unexpected failure: one line on stderr (stdout may be JSON), the stack under debug;
    // the failure stays, for the exit status. An interruption passes through untouched.
    Effect.tapErrorCause((cause) =>
      Cause.isInterruptedOnly(cause) || stoppedBySignal(cause, stopSignal())
        ? Effect.void
        : Effect.sync(() => {
            const debug = debugRequested(argv, process.env)
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
}
