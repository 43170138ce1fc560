import type { AnalysisSpec, DefinitionsSpec, MetricDefinitionSpec } from "./spec.js"

/**
 * metric-config-parser's rule for a metric that another metric's `depends_on` reaches: it
 * must have a statistical treatment of its own, or the parser fails with "No statistical
 * treatment defined for metric". The parser looks the metric up in the platform's definitions
 * file first, as written there (not merged with the experiment's configuration), and only
 * then in the experiment's merged configuration.
 *
 * One more way the parser finds statistics on a definitions metric: when a period lists it and
 * the configuration gives it statistics without a query of its own, resolving the listed
 * metric copies those statistics onto the definition. The parser does so in the order it
 * resolves periods; this rule does not depend on the order.
 */
const hasStatistics = (definition: MetricDefinitionSpec | undefined): boolean =>
  (definition?.statistics?.length ?? 0) > 0

export const ownStatisticsRule = (
  platformDefinitions: DefinitionsSpec,
  /** The layers above the definitions (defaults, outcomes, per-experiment config), merged. */
  overDefinitions: AnalysisSpec,
  /** Every layer merged. */
  merged: AnalysisSpec,
): ((metric: string) => boolean) => {
  const listed = new Set(Object.values(merged.metrics.periods).flat())
  return (metric) => {
    const definition = platformDefinitions.metrics.definitions[metric]
    if (definition === undefined) return hasStatistics(merged.metrics.definitions[metric])
    if (hasStatistics(definition)) return true
    const configured = overDefinitions.metrics.definitions[metric]
    const withoutQuery =
      configured?.select_expression === undefined || configured.data_source === undefined
    return listed.has(metric) && withoutQuery && hasStatistics(configured)
  }
}
