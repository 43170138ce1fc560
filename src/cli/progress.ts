import { Effect } from "effect"
import { unreadableConfigType } from "../pipeline/run.js"
import type { RunEvent } from "../pipeline/run-event.js"

/**
 * The run's progress on stderr (stdout carries the data: the summary, `--json`): a line that
 * redraws itself when stderr is a terminal, plain lines when it is not (CI, Kubernetes logs).
 */
export interface Progress {
  readonly onEvent: (event: RunEvent) => Effect.Effect<void>
  readonly done: Effect.Effect<void>
}

const describe = (event: RunEvent): string | undefined => {
  switch (event.kind) {
    case "started":
      return `${event.date} ${event.experiment}: ${event.windows.map(({ period, index }) => `${period} ${index}`).join(", ")}`
    case "item": {
      const { outcome } = event
      const problems = outcome.problems.length === 0 ? "" : `, ${outcome.problems.length} problems`
      return `${outcome.date} ${outcome.experiment} ${outcome.period} ${outcome.windowIndex}: ${outcome.results} results in ${outcome.milliseconds} ms${problems}`
    }
    case "skipped":
      return event.status === "invalid"
        ? `${event.date} ${event.experiment}: invalid configuration: ${event.reason}`
        : undefined
    case "experiment-failed":
      return `${event.problem.analysisDate} ${event.problem.experiment}: FAILED: ${event.problem.message}`
    case "finished":
      return event.errors > 0
        ? `${event.date} ${event.experiment}: ${event.errors} errors`
        : undefined
    case "source-problem":
      return event.problem.exceptionType === unreadableConfigType
        ? `configuration: ${event.problem.message}`
        : `experiment source: ${event.problem.message}`
  }
}

/** A bar for `total` work items when known (the demo knows its calendar), else a counter. */
export const makeProgress = (
  options: { readonly total?: number; readonly quiet?: boolean } = {},
): Progress => {
  const terminal = process.stderr.isTTY === true
  let items = 0
  let width = 0
  const bar = (label: string) => {
    const total = options.total
    const filled =
      total === undefined || total === 0 ? 0 : Math.min(20, Math.round((20 * items) / total))
    const count = total === undefined ? `${items}` : `${items}/${total}`
    const text = `[${"#".repeat(filled)}${".".repeat(20 - filled)}] ${count} ${label}`.slice(
      0,
      (process.stderr.columns ?? 100) - 1,
    )
    const line = `\r${text}${" ".repeat(Math.max(0, width - text.length))}`
    width = text.length
    return line
  }
  return {
    onEvent: (event) =>
      Effect.sync(() => {
        if (options.quiet === true) return
        if (event.kind === "item") items++
        const text = describe(event)
        if (terminal) {
          const important =
            event.kind === "experiment-failed" ||
            (event.kind === "skipped" && event.status === "invalid")
          if (important && text !== undefined)
            process.stderr.write(`\r${" ".repeat(width)}\r${text}\n`)
          if (event.kind === "item" || event.kind === "started")
            process.stderr.write(bar(text ?? ""))
        } else if (text !== undefined) {
          process.stderr.write(`${text}\n`)
        }
      }),
    done: Effect.sync(() => {
      if (terminal && width > 0 && options.quiet !== true) process.stderr.write("\n")
    }),
  }
}
