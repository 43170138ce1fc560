import { Effect } from "effect"

/**
 * Commands report "ran fine, but the answer is no" (invalid config, a failed experiment)
 * through the exit status without raising an error, so output stays clean.
 */
export const setExitCode = (code: number) =>
  Effect.sync(() => {
    process.exitCode = Math.max(process.exitCode === undefined ? 0 : Number(process.exitCode), code)
  })
