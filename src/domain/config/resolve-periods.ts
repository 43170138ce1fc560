import { type AnalysisPeriod, analysisPeriods, byPeriod, configKeyOf } from "../analysis-period.js"
import type { Metric, PeriodConfiguration, Summary } from "./analysis-configuration.js"
import { type ConfigIssue, issue } from "./config-issue.js"
import type { Resolver } from "./resolver.js"
import type { AnalysisSpec } from "./spec.js"

/**
 * Metrics computed per period, upstream metrics included. Each is a column of the window's
 * metrics table and an aggregate of one query: a bound well below the engines' limits, and
 * far above what a configuration needs.
 */
export const maxMetricsPerPeriod = 2_000

const resolvePeriod = (
  resolver: Resolver,
  names: ReadonlyArray<string>,
  path: ReadonlyArray<string>,
): PeriodConfiguration => {
  const summaries: Summary[] = []
  const ordered: Metric[] = []
  const placed = new Set<string>()
  const place = (metric: Metric) => {
    if (placed.has(metric.name)) return
    placed.add(metric.name)
    for (const upstream of resolver.upstreamOf(metric)) {
      const resolved = resolver.metric(upstream, path)
      if (resolved !== undefined) place(resolved)
    }
    ordered.push(metric)
  }
  for (const name of names) {
    const metric = resolver.metric(name, path)
    if (metric === undefined) continue
    const metricSummaries = resolver.summaries(metric, ["metrics", name])
    summaries.push(...metricSummaries)
    if (metricSummaries.length > 0) place(metric)
  }
  return { metrics: ordered, summaries }
}

/** Each analysis period's metrics and summaries; a period with too many is an error. */
export const resolvePeriods = (
  resolver: Resolver,
  merged: AnalysisSpec,
  issues: ConfigIssue[],
): Record<AnalysisPeriod, PeriodConfiguration> => {
  const periods = byPeriod((period) =>
    resolvePeriod(resolver, merged.metrics.periods[period] ?? [], ["metrics", configKeyOf(period)]),
  )
  for (const period of analysisPeriods) {
    const count = periods[period].metrics.length
    if (count > maxMetricsPerPeriod) {
      issues.push(
        issue(
          `metrics.${configKeyOf(period)}`,
          `${count.toLocaleString("en-US")} metrics in one period: at most ${maxMetricsPerPeriod.toLocaleString("en-US")} (each is a column of one table per window; BigQuery allows 10,000 columns, and DuckDB crashes past 16,383 aggregates in one query)`,
        ),
      )
    }
  }
  return periods
}
