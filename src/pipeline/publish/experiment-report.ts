import { analysisPeriods } from "../../domain/analysis-period.js"
import type { AnalysisConfiguration } from "../../domain/config/analysis-configuration.js"
import type { Experiment } from "../../domain/experiment.js"
import type { StatisticResult } from "../../domain/statistic-result.js"
import type { ExperimentReport, IndexEntry, ReportProblem } from "../../report/report-model.js"
import type { LoggedProblemRow } from "../problem-log.js"

/**
 * What an experiment's HTML report and its line in the report index show, from what the
 * export read and published.
 */

export const reportProblemOf = (row: LoggedProblemRow): ReportProblem => ({
  timestamp: row.timestamp.toISOString(),
  level: row.log_level === "ERROR" ? "ERROR" : "WARNING",
  message: row.message,
  metric: row.metric,
  statistic: row.statistic,
  segment: row.segment,
  analysisBasis: row.analysis_basis,
  period: row.period,
  windowIndex: row.window_index,
  analysisDate: row.analysis_date,
})

/** Each metric with a summary in some period, once, in period order. */
const reportMetrics = (configuration: AnalysisConfiguration | undefined) => {
  const metrics = new Map<string, ExperimentReport["metrics"][number]>()
  for (const period of analysisPeriods) {
    for (const { metric } of configuration?.periods[period].summaries ?? []) {
      if (metrics.has(metric.name)) continue
      metrics.set(metric.name, {
        slug: metric.name,
        friendlyName: metric.friendlyName ?? metric.name,
        description: metric.description ?? "",
        biggerIsBetter: metric.biggerIsBetter,
      })
    }
  }
  return [...metrics.values()]
}

const errorCount = (problems: ReadonlyArray<ReportProblem>) =>
  problems.filter(({ level }) => level === "ERROR").length

const statusOf = (analysed: boolean, errors: number) =>
  analysed
    ? errors > 0
      ? "analysed, with errors"
      : "analysed"
    : errors > 0
      ? "failed"
      : "not analysed"

export const experimentReportOf = (published: {
  readonly slug: string
  readonly experiment: Experiment
  readonly configuration: AnalysisConfiguration | undefined
  /** The published rows by period's table suffix. */
  readonly statistics: Record<string, ReadonlyArray<StatisticResult>>
  readonly problems: ReadonlyArray<ReportProblem>
  readonly analysedAt: string | null
}): ExperimentReport => {
  const { slug, experiment, configuration, statistics, problems } = published
  return {
    slug,
    name: experiment.name ?? slug,
    status: statusOf(Object.keys(statistics).length > 0, errorCount(problems)),
    startDate: configuration?.schedule.startDate ?? experiment.startDate ?? null,
    endDate: configuration?.schedule.endDate ?? experiment.endDate ?? null,
    referenceBranch:
      configuration?.referenceBranch ??
      experiment.referenceBranch ??
      experiment.branches[0]?.slug ??
      "control",
    branches: experiment.branches.map(({ slug: branch, ratio }) => ({ slug: branch, ratio })),
    metrics: reportMetrics(configuration),
    outcomes: (configuration?.outcomes ?? []).map((outcome) => ({
      slug: outcome.slug,
      friendlyName: outcome.friendlyName,
      metrics: [...outcome.metrics],
    })),
    statistics,
    ...(configuration?.multipleTesting === undefined
      ? {}
      : { multipleTesting: configuration.multipleTesting }),
    problems,
    generatedAt: published.analysedAt,
  }
}

/** The report's line in the index; `reportPath` is relative to the reports folder. */
export const indexEntryOf = (report: ExperimentReport, reportPath: string): IndexEntry => {
  const errors = errorCount(report.problems)
  return {
    slug: report.slug,
    name: report.name,
    status: report.status,
    startDate: report.startDate,
    endDate: report.endDate,
    errors,
    warnings: report.problems.length - errors,
    reportPath,
    analysedAt: report.generatedAt,
  }
}
