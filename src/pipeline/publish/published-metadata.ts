import { analysisPeriods } from "../../domain/analysis-period.js"
import type { AnalysisConfiguration } from "../../domain/config/analysis-configuration.js"

/** metadata_<slug>.json as Metadata_v1.0.json types it. */
export interface PublishedMetadata {
  readonly schema_version: number
  readonly metrics: Readonly<
    Record<
      string,
      {
        readonly friendly_name: string
        readonly description: string
        readonly bigger_is_better: boolean
        readonly analysis_bases: ReadonlyArray<string>
      }
    >
  >
  readonly outcomes: Readonly<
    Record<
      string,
      {
        readonly slug: string
        readonly friendly_name: string
        readonly description: string
        readonly metrics: ReadonlyArray<string>
        readonly default_metrics: ReadonlyArray<string>
      }
    >
  >
  readonly external_config: {
    readonly url: string
    readonly reference_branch: string | null
    readonly start_date: string | null
    readonly end_date: string | null
    readonly enrollment_period: number | null
    readonly skip: boolean | null
  } | null
  readonly analysis_start_time: string | null
}

/** Jetstream publishes schema version 4 of its statistics and metadata. */
export const publishedSchemaVersion = 4

/**
 * The metadata of an experiment's analysis: every metric computed in any period (a
 * friendly name falls back to the slug, as dashboards need one), the outcomes, and what a
 * per-experiment config changed (with the address of that config) when there is one.
 */
export const publishedMetadata = (
  configuration: AnalysisConfiguration,
  options: { readonly externalConfigUrl?: string; readonly analysisStartTime: string | null },
): PublishedMetadata => {
  const metrics: Record<string, PublishedMetadata["metrics"][string]> = {}
  for (const period of analysisPeriods) {
    for (const { metric } of configuration.periods[period].summaries) {
      metrics[metric.name] ??= {
        friendly_name: metric.friendlyName ?? metric.name,
        description: metric.description ?? "",
        bigger_is_better: metric.biggerIsBetter,
        analysis_bases: [...metric.analysisBases],
      }
    }
  }
  const outcomes = Object.fromEntries(
    configuration.outcomes.map((outcome) => [
      outcome.slug,
      {
        slug: outcome.slug,
        friendly_name: outcome.friendlyName,
        description: outcome.description,
        metrics: [...outcome.metrics],
        default_metrics: [...outcome.defaultMetrics],
      },
    ]),
  )
  const { overrides } = configuration
  return {
    schema_version: publishedSchemaVersion,
    metrics,
    outcomes,
    external_config:
      options.externalConfigUrl === undefined
        ? null
        : {
            url: options.externalConfigUrl,
            reference_branch: overrides.referenceBranch ?? null,
            start_date: overrides.startDate ?? null,
            end_date: overrides.endDate ?? null,
            enrollment_period: overrides.enrollmentPeriod ?? null,
            skip: configuration.skip,
          },
    analysis_start_time: options.analysisStartTime,
  }
}
