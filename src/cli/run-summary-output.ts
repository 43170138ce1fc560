import type { RunSummary } from "../pipeline/run-summary.js"
import type { CostTotals } from "../services/warehouse/cost-totals.js"

/** The closing summary of a run as a person reads it. */
export const formatRunSummary = (
  summary: RunSummary,
  cost: CostTotals,
  outputs: ReadonlyArray<string>,
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
  const lines = [
    `${summary.failed ? "FAILED" : "OK"}: ${dates}, ${summary.analysed.length} ${summary.analysed.length === 1 ? "experiment" : "experiments"} analysed (${summary.analysed.join(", ") || "none"}), ${summary.items} ${summary.items === 1 ? "window" : "windows"}, ${summary.statisticsRows} statistics rows in ${(summary.milliseconds / 1000).toFixed(1)} s`,
    `${summary.errors.length} errors, ${summary.warnings} warnings (all in the logs table)`,
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
  ]
  return lines.join("\n")
}
