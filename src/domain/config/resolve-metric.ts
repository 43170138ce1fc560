import type { DataSource, Metric } from "./analysis-configuration.js"
import { issue, keyPath } from "./config-issue.js"
import { dedent } from "./dedent.js"
import { defaultUnits, type Resolution, reportUnknown } from "./resolution.js"
import type { MetricDefinitionSpec } from "./spec.js"
import { scopes } from "./template.js"

type DataSourceByName = (name: string, path: ReadonlyArray<string>) => DataSource | undefined

interface MetricQuery {
  readonly dataSource: DataSource
  readonly selectExpression: string
}

/** A metric with its defaults applied, once its query (if it has one) and upstreams resolve. */
const metricFrom = (
  name: string,
  definition: MetricDefinitionSpec,
  dependsOn: ReadonlyArray<string>,
  query: MetricQuery | undefined,
): Metric => ({
  name,
  ...(query === undefined
    ? {}
    : { dataSource: query.dataSource, selectExpression: query.selectExpression }),
  ...(definition.friendly_name === undefined
    ? {}
    : { friendlyName: definition.friendly_name.trim() }),
  ...(definition.description === undefined ? {} : { description: dedent(definition.description) }),
  biggerIsBetter: definition.bigger_is_better ?? true,
  analysisBases: definition.analysis_bases ?? ["enrollments", "exposures"],
  type: definition.type ?? "scalar",
  ...(definition.category === undefined ? {} : { category: definition.category }),
  dependsOn,
  owners:
    definition.owner === undefined
      ? []
      : typeof definition.owner === "string"
        ? [definition.owner]
        : definition.owner,
  deprecated: definition.deprecated ?? false,
})

/**
 * Metrics by name, each resolved once, `depends_on` followed as a graph (any order; a cycle
 * is an error). A name that does not resolve is reported and resolves to undefined.
 */
export const metricResolver = (
  { spec, issues, options, render }: Resolution,
  dataSource: DataSourceByName,
) => {
  const resolvedMetrics = new Map<string, Metric | undefined>()
  const resolving: string[] = []

  /** Whether every upstream resolves; each is looked at, so that each problem is reported. */
  const upstreamsResolve = (dependsOn: ReadonlyArray<string>, ownPath: ReadonlyArray<string>) =>
    dependsOn
      .map((upstream) => {
        const resolved = metric(upstream, [...ownPath, "depends_on"]) !== undefined
        if (resolved && options.hasOwnStatistics?.(upstream) === false) {
          issues.push(
            issue(
              keyPath(...ownPath, "depends_on"),
              `metric "${upstream}" has no statistics of its own: metric-config-parser refuses a metric reached through depends_on without a statistical treatment ("No statistical treatment defined for metric '${upstream}'"); give it [metrics.${upstream}.statistics.<statistic>]`,
            ),
          )
          return false
        }
        return resolved
      })
      .every((resolved) => resolved)

  /** The metric's data source and rendered select expression; undefined, reported, when not. */
  const queryOf = (
    name: string,
    definition: MetricDefinitionSpec,
    ownPath: ReadonlyArray<string>,
  ): MetricQuery | undefined => {
    if (definition.select_expression === undefined || definition.data_source === undefined) {
      const missing =
        definition.select_expression === undefined ? "select_expression" : "data_source"
      issues.push(
        issue(
          keyPath(...ownPath),
          `metric "${name}" has a ${missing === "select_expression" ? "data_source" : "select_expression"} but no ${missing}`,
        ),
      )
      return undefined
    }
    const source = dataSource(definition.data_source, [...ownPath, "data_source"])
    const selectExpression = render(
      definition.select_expression,
      [...ownPath, "select_expression"],
      scopes.metricSelect,
    )
    const units = definition.analysis_units ?? defaultUnits(options.appName)
    const sourceUnits =
      spec.dataSources[definition.data_source]?.analysis_units ?? defaultUnits(options.appName)
    const unsupported = units.filter((unit) => !sourceUnits.includes(unit))
    if (source !== undefined && unsupported.length > 0) {
      issues.push(
        issue(
          keyPath(...ownPath, "analysis_units"),
          `data source "${source.name}" does not support the analysis unit${unsupported.length === 1 ? "" : "s"} ${unsupported.join(", ")} of metric "${name}" (its analysis_units: ${sourceUnits.join(", ")})`,
        ),
      )
      return undefined
    }
    return source === undefined || selectExpression === undefined
      ? undefined
      : { dataSource: source, selectExpression }
  }

  const metric = (name: string, path: ReadonlyArray<string>): Metric | undefined => {
    if (resolvedMetrics.has(name)) return resolvedMetrics.get(name)
    const definition = spec.metrics.definitions[name]
    if (definition === undefined) {
      reportUnknown(issues, "metric", name, Object.keys(spec.metrics.definitions), path)
      return undefined
    }
    if (resolving.includes(name)) {
      issues.push(
        issue(
          keyPath(...path),
          `metrics depend on each other in a cycle: ${[...resolving, name].join(" → ")}`,
        ),
      )
      resolvedMetrics.set(name, undefined)
      return undefined
    }
    const ownPath = ["metrics", name]
    const dependsOn = definition.depends_on ?? []
    resolving.push(name)
    const upstreamResolved = upstreamsResolve(dependsOn, ownPath)
    resolving.pop()
    // A cycle through this metric, found among its upstreams, has decided already.
    if (resolvedMetrics.has(name)) return resolvedMetrics.get(name)

    const hasQuery =
      definition.select_expression !== undefined || definition.data_source !== undefined
    const query = hasQuery ? queryOf(name, definition, ownPath) : undefined
    if (!hasQuery && dependsOn.length === 0) {
      issues.push(
        issue(
          keyPath(...ownPath),
          `metric "${name}" has no definition: give it a select_expression and a data_source, or depends_on`,
        ),
      )
    }
    const resolved =
      (hasQuery && query === undefined) ||
      (!hasQuery && dependsOn.length === 0) ||
      !upstreamResolved
        ? undefined
        : metricFrom(name, definition, dependsOn, query)
    resolvedMetrics.set(name, resolved)
    return resolved
  }

  return metric
}
