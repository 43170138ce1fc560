import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as Descriptor from "@effect/cli/CommandDescriptor"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Effect, Logger } from "effect"
import { setExitCode } from "./exit-code.js"
import { commandNamed, printedText } from "./help-text.js"
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
import { usageErrorLine } from "./usage-error.js"

const cli = Command.run(slipstream, { name: "slipstream", version })

/**
 * The mistake in the command line `args`, if any, found by parsing it before @effect/cli
 * runs it: @effect/cli would print its own, over several lines.
 */
const mistakeIn = (args: ReadonlyArray<string>) =>
  Descriptor.parse(slipstream.descriptor, ["slipstream", ...args], CliConfig.defaultConfig).pipe(
    Effect.map((directive) => {
      const [unknown] = directive._tag === "UserDefined" ? directive.leftover : []
      return unknown === undefined
        ? undefined
        : ValidationError.invalidValue(HelpDoc.p(`Received unknown argument: '${unknown}'`))
    }),
    Effect.catchAll((error) => Effect.succeed(error)),
  )

/** A mistake as one line on stderr, exit status 2; anything else runs. */
const runChecked = (argv: ReadonlyArray<string>) => {
  const args = argv.slice(2)
  return Effect.flatMap(mistakeIn(args), (mistake) => {
    if (mistake === undefined) return cli(argv)
    const command = commandNamed(args[0])
    const usage = Descriptor.getUsage(command ?? slipstream.descriptor)
    const name = command === undefined ? undefined : args[0]
    return Effect.sync(() =>
      process.stderr.write(`${usageErrorLine(mistake, args, name, usage)}\n`),
    ).pipe(Effect.zipRight(setExitCode(2)))
  })
}

/** Runs the command `argv` names (as process.argv: node, the script, then the arguments). */
export const runCli = (argv: ReadonlyArray<string>): void => {
  const printed = printedText(argv.slice(2))
  if (printed !== undefined) {
    process.stdout.write(printed)
    return
  }
  watchStopSignals()
  runChecked(argv).pipe(
    // A mistake found while running (rare: the line is checked first) is printed by @effect/cli.
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
