import type { RunSummary } from "../pipeline/run-summary.js"

/** The closing summary of a run as a person reads it. */
export const formatRunSummary = (summary: RunSummary, outputs: ReadonlyArray<string>): string => {
  const dates =
    summary.dates.length === 0
      ? "no date"
      : summary.dates.length === 1
        ? summary.dates[0]
        : `${summary.dates[0]} to ${summary.dates.at(-1)} (${summary.dates.length} dates)`
  const lines = [
    `${summary.failed ? "FAILED" : "OK"}: ${dates}, ${summary.analysed.length} experiments analysed (${summary.analysed.join(", ") || "none"}), ${summary.items} windows, ${summary.statisticsRows} statistics rows in ${(summary.milliseconds / 1000).toFixed(1)} s`,
    `${summary.errors.length} errors, ${summary.warnings} warnings (all in the logs table)`,
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
  ]
  return lines.join("\n")
}
