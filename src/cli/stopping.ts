import { constants } from "node:os"
import { Cause, Exit } from "effect"

/**
 * How the process ends, the Unix way: a run stopped by SIGINT (Ctrl-C) or SIGTERM (Kubernetes
 * stopping the pod) exits 128 + the signal's number — 130 and 143 — as a shell reports a
 * process the signal killed; an unexpected failure exits 70 (EX_SOFTWARE) with one line on
 * stderr naming it, its stack only under `--log-level debug`.
 */

export type StopSignal = "SIGINT" | "SIGTERM"

const stopSignals: ReadonlyArray<StopSignal> = ["SIGINT", "SIGTERM"]

let received: StopSignal | undefined

/**
 * Remembers the first SIGINT or SIGTERM. The runtime's own listeners interrupt the main fiber
 * (NodeRuntime.runMain); these only note which signal it was. Both go after the first signal,
 * so a second one has the default effect: Ctrl-C twice stops at once.
 */
export const watchStopSignals = (): void => {
  const onSignal = (signal: StopSignal) => {
    received ??= signal
    for (const other of stopSignals) process.removeListener(other, onSignal)
  }
  for (const signal of stopSignals) process.on(signal, onSignal)
}

/** The signal that stopped the run, if one did. */
export const stopSignal = (): StopSignal | undefined => received

/** 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM. */
export const signalExitCode = (signal: StopSignal): number => 128 + constants.signals[signal]

/** Whether a failure is the stop a signal asked for (and not a failure of its own). */
export const stoppedBySignal = (cause: Cause.Cause<unknown>, signal: StopSignal | undefined) =>
  signal !== undefined && Cause.isInterrupted(cause)

/**
 * The exit status of a command: 128 + n when a signal interrupted it, 70 when it failed
 * unexpectedly, else the status the command set (0, 1 or 2).
 */
export const exitStatusOf = <E, A>(exit: Exit.Exit<A, E>, signal: StopSignal | undefined) => {
  if (Exit.isSuccess(exit)) return Number(process.exitCode ?? 0)
  return signal !== undefined && stoppedBySignal(exit.cause, signal) ? signalExitCode(signal) : 70
}

/** Whether the command line or the environment asks for debug logs (then stacks are shown). */
export const debugRequested = (
  argv: ReadonlyArray<string>,
  environment: Readonly<Record<string, string | undefined>>,
): boolean =>
  environment.SLIPSTREAM_LOG_LEVEL === "debug" ||
  argv.some(
    (argument, index) =>
      argument === "--log-level=debug" ||
      (argument === "debug" && argv[index - 1] === "--log-level"),
  )

const firstLine = (text: string): string => text.split("\n")[0]?.trim() ?? ""

/** One line naming an unexpected failure: its tag or class, and its message's first line. */
export const describeUnexpected = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  if (error instanceof Error) {
    const tag = "_tag" in error && typeof error._tag === "string" ? error._tag : error.name
    const message = firstLine(error.message)
    return message === "" ? tag : `${tag}: ${message}`
  }
  if (typeof error === "object" && error !== null && "_tag" in error) {
    const message = "message" in error ? firstLine(String(error.message)) : ""
    return message === "" ? String(error._tag) : `${String(error._tag)}: ${message}`
  }
  return firstLine(String(error))
}

/**
 * What stderr gets for an unexpected failure: one line, and the whole cause with its stacks
 * when debug logs are asked for. Never stdout, which may carry JSON.
 */
export const unexpectedFailureText = (cause: Cause.Cause<unknown>, debug: boolean): string =>
  debug
    ? `slipstream: internal error: ${describeUnexpected(cause)}\n${Cause.pretty(cause, { renderErrorCause: true })}`
    : `slipstream: internal error: ${describeUnexpected(cause)} (--log-level debug shows the stack)`
