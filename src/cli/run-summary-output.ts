import type { Interruption, RunSummary, WindowOnDate } from "../pipeline/run-summary.js"
import type { CostTotals } from "../services/warehouse/cost-totals.js"

/** How a run was stopped before its end, for its summary. */
export interface StopReport {
  /** The signal that stopped it (SIGINT, SIGTERM), when one did. */
  readonly signal?: string
  /** What it was doing: computing windows, or publishing once all were written. */
  readonly during: "computing" | "publishing"
  readonly interruption: Interruption
  /** What to run to complete it. */
  readonly resume: string
}

/** Groups at most this many lines; more windows are counted per experiment. */
const listedGroups = 10

/** Windows as lines, `2026-10-12 slug: day 35, week 5`, or counted per experiment when many. */
const windowLines = (windows: ReadonlyArray<WindowOnDate>): ReadonlyArray<string> => {
  const groups = new Map<string, string[]>()
  for (const { experiment, date, period, windowIndex } of windows) {
    const key = `${date} ${experiment}`
    groups.set(key, [...(groups.get(key) ?? []), `${period} ${windowIndex}`])
  }
  if (groups.size <= listedGroups) {
    return [...groups].map(([key, names]) => `  ${key}: ${names.join(", ")}`)
  }
  const experiments = [...new Set(windows.map(({ experiment }) => experiment))].sort()
  return experiments.map((experiment) => {
    const own = windows.filter((window) => window.experiment === experiment)
    const dates = [...new Set(own.map(({ date }) => date))].sort()
    const span = dates.length === 1 ? `on ${dates[0]}` : `${dates[0]} to ${dates.at(-1)}`
    return `  ${experiment}: ${own.length} ${own.length === 1 ? "window" : "windows"}, ${span}`
  })
}

/** What a stopped run had written, what it left, and that running it again completes it. */
const stopLines = (stop: StopReport): ReadonlyArray<string> => {
  const { written, unfinished } = stop.interruption
  return [
    written.length === 0
      ? "no window was written before the stop"
      : `written before the stop (${written.length} ${written.length === 1 ? "window" : "windows"}):`,
    ...windowLines(written),
    ...(unfinished.length === 0
      ? []
      : ["not written (stopped while computing them):", ...windowLines(unfinished)]),
    stop.during === "publishing"
      ? "every window was written; publishing stopped part way (files not yet replaced keep their earlier content)"
      : "nothing was published: a run publishes once its windows are written",
  ]
}

/** The closing summary of a run as a person reads it; `stop` when it was interrupted. */
export const formatRunSummary = (
  summary: RunSummary,
  cost: CostTotals,
  outputs: ReadonlyArray<string>,
  stop?: StopReport,
): string => {
  const billed =
    cost.bytesProcessed > 0
      ? `, ${(cost.bytesProcessed / 1e9).toFixed(2)} GB processed, ${(cost.bytesBilled / 1e9).toFixed(2)} GB billed, ${(cost.slotMilliseconds / 1000).toFixed(0)} slot-seconds`
      : ""
  const dates =
    summary.dates.length === 0
      ? "no date"
      : summary.dates.length === 1
        ? summary.dates[0]
        : `${summary.dates[0]} to ${summary.dates.at(-1)} (${summary.dates.length} dates)`
  const status =
    stop === undefined
      ? summary.failed
        ? "FAILED"
        : "OK"
      : `INTERRUPTED${stop.signal === undefined ? "" : ` by ${stop.signal}`}`
  const lines = [
    `${status}: ${dates}, ${summary.analysed.length} ${summary.analysed.length === 1 ? "experiment" : "experiments"} analysed (${summary.analysed.join(", ") || "none"}), ${summary.items} ${summary.items === 1 ? "window" : "windows"}, ${summary.statisticsRows} statistics rows in ${(summary.milliseconds / 1000).toFixed(1)} s`,
    ...(stop === undefined ? [] : stopLines(stop)),
    `${summary.errors.length} errors, ${summary.warnings} warnings (those of analysed experiments in the logs table and errors JSON)`,
    `warehouse: ${cost.queries} queries, ${(cost.milliseconds / 1000).toFixed(1)} s${billed}`,
    ...summary.invalid.map(
      ({ experiment, reason }) => `invalid configuration of ${experiment}: ${reason}`,
    ),
    ...summary.errors
      .slice(0, 10)
      .map(
        (problem) =>
          `error: ${[
            problem.experiment,
            problem.analysisDate,
            problem.period,
            problem.analysisBasis,
            problem.segment,
            problem.metric,
            problem.statistic,
          ]
            .filter((part) => part !== null)
            .join(" ")}: ${problem.message}`,
      ),
    ...(summary.errors.length > 10 ? [`... and ${summary.errors.length - 10} more errors`] : []),
    ...outputs,
    ...(stop === undefined ? [] : [stop.resume]),
  ]
  return lines.join("\n")
}
