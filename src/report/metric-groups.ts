import { sampleRatioMetric } from "../domain/statistic-result.js"
import type { ExperimentReport, ReportMetric } from "./report-model.js"

/**
 * Metrics grouped as the experiment's owners think of them: by outcome first (each metric
 * under the first outcome that lists it), then the other configured metrics, then any metric
 * the rows have but the metadata does not (shown under its slug, so no result is hidden).
 */

export interface MetricGroup {
  readonly title: string
  readonly metrics: ReadonlyArray<ReportMetric>
}

/** The metric the population rows use: shown in the enrollment section, not as a metric. */
export const populationMetric = "identity"

/** Populations and the sample-ratio test: the enrollment section's, not a metric's. */
export const isEnrollmentMetric = (slug: string): boolean =>
  slug === populationMetric || slug === sampleRatioMetric

export const metricGroups = (
  report: ExperimentReport,
  slugsWithRows: ReadonlySet<string>,
): ReadonlyArray<MetricGroup> => {
  const bySlug = new Map(report.metrics.map((metric) => [metric.slug, metric]))
  const placed = new Set<string>()
  const metricOf = (slug: string): ReportMetric =>
    bySlug.get(slug) ?? {
      slug,
      friendlyName: slug,
      description: "No metadata for this metric: colours assume that bigger is better.",
      biggerIsBetter: true,
    }
  const take = (slugs: ReadonlyArray<string>): ReadonlyArray<ReportMetric> =>
    slugs
      .filter((slug) => !isEnrollmentMetric(slug) && !placed.has(slug))
      .map((slug) => {
        placed.add(slug)
        return metricOf(slug)
      })
  const outcomes = report.outcomes.map((outcome) => ({
    title: outcome.friendlyName === "" ? outcome.slug : outcome.friendlyName,
    metrics: take(outcome.metrics),
  }))
  const others = { title: "Other metrics", metrics: take(report.metrics.map(({ slug }) => slug)) }
  const unknown = {
    title: "Metrics without metadata",
    metrics: take([...slugsWithRows].sort()),
  }
  return [...outcomes, others, unknown].filter(({ metrics }) => metrics.length > 0)
}
