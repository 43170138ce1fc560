import type { DataSource, Metric, Segment, Summary } from "./analysis-configuration.js"
import { type ConfigIssue, didYouMean, issue, keyPath, warning } from "./config-issue.js"
import { makeRender } from "./render-text.js"
import type { Resolution, ResolverOptions } from "./resolution.js"
import { dataSourceResolver } from "./resolve-data-source.js"
import { metricResolver } from "./resolve-metric.js"
import { segmentResolver } from "./resolve-segment.js"
import type { DefinitionsSpec, StatisticSpec } from "./spec.js"
import type { TemplateContext, TemplateScope } from "./template.js"

export type { ResolverOptions } from "./resolution.js"

/**
 * Looks names up in one merged layer of configuration and turns definitions into resolved
 * metrics, data sources and segments: templates rendered, defaults applied, `depends_on`
 * followed as a graph (any order; a cycle is an error). Each name is resolved once.
 * Problems go to `issues`; the name then resolves to undefined and the rest goes on.
 */
export interface Resolver {
  readonly metric: (name: string, path: ReadonlyArray<string>) => Metric | undefined
  readonly summaries: (metric: Metric, path: ReadonlyArray<string>) => ReadonlyArray<Summary>
  readonly dataSource: (name: string, path: ReadonlyArray<string>) => DataSource | undefined
  readonly segment: (name: string, path: ReadonlyArray<string>) => Segment | undefined
  /** Metrics named by a metric's `depends_on` and its summaries' parameters, transitively. */
  readonly upstreamOf: (metric: Metric) => ReadonlyArray<string>
  readonly render: (
    text: string,
    path: ReadonlyArray<string>,
    scope: TemplateScope,
  ) => string | undefined
}

type MetricByName = (name: string, path: ReadonlyArray<string>) => Metric | undefined

/** Metric names a statistic's parameters refer to (ratios, covariates). */
const metricsNamedBy = (statistic: StatisticSpec): ReadonlyArray<[string, string]> => {
  const named: Array<[string, string]> = []
  for (const key of ["numerator", "denominator"]) {
    const value = statistic.parameters[key]
    if (typeof value === "string") named.push([key, value])
  }
  const covariate = statistic.parameters.covariate_adjustment
  if (typeof covariate === "object" && typeof covariate.metric === "string") {
    named.push(["covariate_adjustment.metric", covariate.metric])
  }
  return named
}

/**
 * The summaries of a resolved metric: one per statistic it gives that can be computed, with
 * its pre-treatments. Metrics its statistics' parameters name are resolved through `metric`.
 */
const summariesOf = (
  { spec, issues }: Resolution,
  metric: MetricByName,
  resolved: Metric,
  path: ReadonlyArray<string>,
): ReadonlyArray<Summary> => {
  const definitionOf = (name: string) => spec.metrics.definitions[name]
  const given = definitionOf(resolved.name)?.statistics
  // Unusable statistics count as given (the parser accepts them) and are not computed.
  const statistics = (given ?? []).filter((statistic) => statistic.decoded !== undefined)
  if (given === undefined || given.length === 0) {
    issues.push(
      issue(
        keyPath(...path),
        `metric "${resolved.name}" has no statistics: add [metrics.${resolved.name}.statistics.<statistic>]`,
      ),
    )
    return []
  }
  return statistics.flatMap((statistic): ReadonlyArray<Summary> => {
    const statisticPath = ["metrics", resolved.name, "statistics", statistic.name]
    // An unknown metric named by a parameter only stops this statistic: metric-config-parser
    // does not read parameters (Jetstream fails the statistic when it runs).
    const referencesResolve = metricsNamedBy(statistic)
      .map(([key, name]) => {
        if (definitionOf(name) !== undefined)
          return metric(name, [...statisticPath, key]) !== undefined
        issues.push(
          warning(
            keyPath(...statisticPath, key),
            `unknown metric "${name}"${didYouMean(name, Object.keys(spec.metrics.definitions))}; the statistic is not computed`,
          ),
        )
        return false
      })
      .every((resolved) => resolved)
    if (!referencesResolve || statistic.decoded === undefined) return []
    return [
      { metric: resolved, statistic: statistic.decoded, preTreatments: statistic.preTreatments },
    ]
  })
}

/** Metrics named by a metric's `depends_on` and its summaries' parameters, transitively. */
const upstreamOf = (spec: DefinitionsSpec, resolved: Metric): ReadonlyArray<string> => {
  const definitionOf = (name: string) => spec.metrics.definitions[name]
  const seen = new Set<string>()
  const visit = (name: string) => {
    const definition = definitionOf(name)
    const direct = [
      ...(definition?.depends_on ?? []),
      // An unknown one only leaves its statistic out (a warning of summaries()).
      ...(definition?.statistics ?? []).flatMap((statistic) =>
        metricsNamedBy(statistic)
          .map(([, named]) => named)
          .filter((named) => definitionOf(named) !== undefined),
      ),
    ]
    for (const upstream of direct) {
      if (upstream === resolved.name || seen.has(upstream)) continue
      seen.add(upstream)
      visit(upstream)
    }
  }
  visit(resolved.name)
  return [...seen]
}

export const createResolver = (
  spec: DefinitionsSpec,
  context: TemplateContext,
  placeholders: Readonly<Record<string, string | Error>>,
  issues: ConfigIssue[],
  options: ResolverOptions = {},
): Resolver => {
  const render = makeRender(context, placeholders, issues)
  const resolution: Resolution = { spec, issues, options, render }
  const dataSource = dataSourceResolver(resolution)
  const metric = metricResolver(resolution, dataSource)
  return {
    metric,
    summaries: (resolved, path) => summariesOf(resolution, metric, resolved, path),
    dataSource,
    segment: segmentResolver(resolution),
    upstreamOf: (resolved) => upstreamOf(spec, resolved),
    render,
  }
}
