import { Either } from "effect"
import { isPreTreatmentName, isStatisticName } from "../summary-catalogue.js"
import type {
  AnalysisUnit,
  DataSource,
  Metric,
  PreTreatment,
  Segment,
  Statistic,
  Summary,
} from "./analysis-configuration.js"
import { type ConfigIssue, didYouMean, issue, keyPath, warning } from "./config-issue.js"
import { formatFromExpression, readsExperiment } from "./from-expression.js"
import type { DefinitionsSpec, MetricDefinitionSpec, StatisticSpec } from "./spec.js"
import {
  fillPlaceholders,
  renderTemplate,
  scopes,
  type TemplateContext,
  type TemplateScope,
} from "./template.js"

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

export interface ResolverOptions {
  /** The application resolved for: metric-config-parser's default analysis units depend on it. */
  readonly appName?: string
  /**
   * Whether a metric reached through `depends_on` has statistics of its own, as
   * metric-config-parser looks them up (upstream-statistics.ts); unchecked when absent.
   */
  readonly hasOwnStatistics?: (metric: string) => boolean
}

const allUnits: ReadonlyArray<AnalysisUnit> = ["client_id", "profile_group_id"]

/** A data source name metric-config-parser resolves (`is_valid_slug`). */
const validSlug = /^[a-zA-Z0-9_]+$/

/** metric-config-parser's default analysis units of a metric or data source. */
const defaultUnits = (appName: string | undefined): ReadonlyArray<AnalysisUnit> =>
  appName === "firefox_desktop" ? allUnits : ["client_id"]

export const createResolver = (
  spec: DefinitionsSpec,
  context: TemplateContext,
  placeholders: Readonly<Record<string, string | Error>>,
  issues: ConfigIssue[],
  options: ResolverOptions = {},
): Resolver => {
  const metrics = new Map<string, Metric | undefined>()
  const dataSources = new Map<string, DataSource | undefined>()
  const segments = new Map<string, Segment | undefined>()
  const resolvingMetrics: string[] = []
  const resolvingDataSources: string[] = []

  const render = (
    text: string,
    path: ReadonlyArray<string>,
    scope: TemplateScope,
  ): string | undefined => {
    const rendered = renderTemplate(text, context, scope)
    const problems = Either.isLeft(rendered) ? [...rendered.left] : []
    const values: Record<string, string> = {}
    for (const [name, value] of Object.entries(placeholders)) {
      if (typeof value === "string") values[name] = value
      else if (text.includes(`{${name}}`)) problems.push(value.message)
    }
    for (const problem of problems) issues.push(issue(keyPath(...path), problem))
    return Either.isLeft(rendered) || problems.length > 0
      ? undefined
      : fillPlaceholders(rendered.right, values)
  }

  /**
   * A data source's from expression, as metric-config-parser reads it (from-expression.ts):
   * rendered with `experiment` when it reads it, then `{dataset}` filled from `default_dataset`.
   */
  const renderFromExpression = (
    fromExpression: string,
    defaultDataset: string | undefined,
    path: ReadonlyArray<string>,
  ): string | undefined => {
    const fromPath = [...path, "from_expression"]
    const rendered = readsExperiment(fromExpression)
      ? render(fromExpression, fromPath, scopes.experimentOnly)
      : fromExpression
    if (rendered === undefined) return undefined
    return Either.match(formatFromExpression(rendered, defaultDataset), {
      onLeft: (problem) => {
        issues.push(issue(keyPath(...fromPath), problem))
        return undefined
      },
      onRight: (formatted) => formatted,
    })
  }

  /** A segment data source's from expression: always Jinja, with `experiment` (the parser's). */
  const renderSegmentFromExpression = (
    fromExpression: string,
    defaultDataset: string | undefined,
    path: ReadonlyArray<string>,
  ): string | undefined => {
    if (fromExpression.includes("{dataset}") && defaultDataset === undefined) {
      issues.push(
        issue(keyPath(...path, "from_expression"), "uses {dataset} but sets no default_dataset"),
      )
      return undefined
    }
    const rendered = render(fromExpression, [...path, "from_expression"], scopes.experimentOnly)
    return rendered === undefined
      ? undefined
      : fillPlaceholders(rendered, { dataset: defaultDataset })
  }

  const unknown = (
    kind: string,
    name: string,
    known: Iterable<string>,
    path: ReadonlyArray<string>,
  ) => issues.push(issue(keyPath(...path), `unknown ${kind} "${name}"${didYouMean(name, known)}`))

  const dataSource = (name: string, path: ReadonlyArray<string>): DataSource | undefined => {
    if (dataSources.has(name)) return dataSources.get(name)
    const definition = spec.dataSources[name]
    if (definition === undefined) {
      unknown("data source", name, Object.keys(spec.dataSources), path)
      return undefined
    }
    if (resolvingDataSources.includes(name)) {
      issues.push(
        issue(
          keyPath("data_sources", name, "joins"),
          `data sources join in a cycle: ${[...resolvingDataSources, name].join(" → ")}`,
        ),
      )
      return undefined
    }
    const ownPath = ["data_sources", name]
    if (!validSlug.test(name)) {
      issues.push(
        issue(
          keyPath(...ownPath),
          `data source name "${name}" may have letters, digits and _ only (metric-config-parser refuses others)`,
        ),
      )
      dataSources.set(name, undefined)
      return undefined
    }
    resolvingDataSources.push(name)
    const joins = Object.entries(definition.joins ?? {}).flatMap(([joined, join]) => {
      const resolved = dataSource(joined, [...ownPath, "joins", joined])
      return resolved === undefined
        ? []
        : [
            {
              dataSource: resolved,
              ...(join.relationship === undefined ? {} : { relationship: join.relationship }),
              ...(join.on_expression === undefined ? {} : { onExpression: join.on_expression }),
            },
          ]
    })
    resolvingDataSources.pop()
    if (definition.from_expression === undefined) {
      issues.push(issue(keyPath(...ownPath), `data source "${name}" has no from_expression`))
    }
    const fromExpression =
      definition.from_expression === undefined
        ? undefined
        : renderFromExpression(definition.from_expression, definition.default_dataset, ownPath)
    const resolved: DataSource | undefined =
      fromExpression === undefined
        ? undefined
        : {
            name,
            fromExpression,
            experimentsColumnType: definition.experiments_column_type ?? "simple",
            clientIdColumn: definition.client_id_column ?? "client_id",
            groupIdColumn: definition.group_id_column ?? "profile_group_id",
            submissionDateColumn: definition.submission_date_column ?? "submission_date",
            analysisUnits: definition.analysis_units ?? defaultUnits(options.appName),
            joins,
            ...(definition.friendly_name === undefined
              ? {}
              : { friendlyName: definition.friendly_name }),
            ...(definition.description === undefined
              ? {}
              : { description: definition.description }),
          }
    dataSources.set(name, resolved)
    return resolved
  }

  const definitionOf = (name: string): MetricDefinitionSpec | undefined =>
    spec.metrics.definitions[name]

  const metric = (name: string, path: ReadonlyArray<string>): Metric | undefined => {
    if (metrics.has(name)) return metrics.get(name)
    const definition = definitionOf(name)
    if (definition === undefined) {
      unknown("metric", name, Object.keys(spec.metrics.definitions), path)
      return undefined
    }
    const ownPath = ["metrics", name]
    if (resolvingMetrics.includes(name)) {
      issues.push(
        issue(
          keyPath(...path),
          `metrics depend on each other in a cycle: ${[...resolvingMetrics, name].join(" → ")}`,
        ),
      )
      metrics.set(name, undefined)
      return undefined
    }
    resolvingMetrics.push(name)
    const dependsOn = definition.depends_on ?? []
    // Every upstream is looked at (map, not every), so that each problem is reported.
    const upstreamResolved = dependsOn
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
    resolvingMetrics.pop()
    if (metrics.has(name)) return metrics.get(name)

    const hasQuery =
      definition.select_expression !== undefined || definition.data_source !== undefined
    let query: { dataSource: DataSource; selectExpression: string } | undefined
    if (hasQuery) {
      if (definition.select_expression === undefined || definition.data_source === undefined) {
        const missing =
          definition.select_expression === undefined ? "select_expression" : "data_source"
        issues.push(
          issue(
            keyPath(...ownPath),
            `metric "${name}" has a ${missing === "select_expression" ? "data_source" : "select_expression"} but no ${missing}`,
          ),
        )
      } else {
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
        } else if (source !== undefined && selectExpression !== undefined)
          query = { dataSource: source, selectExpression }
      }
    } else if (dependsOn.length === 0) {
      issues.push(
        issue(
          keyPath(...ownPath),
          `metric "${name}" has no definition: give it a select_expression and a data_source, or depends_on`,
        ),
      )
    }
    const resolved: Metric | undefined =
      (hasQuery && query === undefined) ||
      (!hasQuery && dependsOn.length === 0) ||
      !upstreamResolved
        ? undefined
        : {
            name,
            ...(query === undefined
              ? {}
              : { dataSource: query.dataSource, selectExpression: query.selectExpression }),
            ...(definition.friendly_name === undefined
              ? {}
              : { friendlyName: definition.friendly_name.trim() }),
            ...(definition.description === undefined
              ? {}
              : { description: dedent(definition.description) }),
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
          }
    metrics.set(name, resolved)
    return resolved
  }

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

  const summaries = (resolved: Metric, path: ReadonlyArray<string>): ReadonlyArray<Summary> => {
    const given = definitionOf(resolved.name)?.statistics
    // Unusable statistics count as given (the parser accepts them) and are not computed.
    const statistics = (given ?? []).filter((statistic) => statistic.unusable !== true)
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
      if (!referencesResolve || !isStatisticName(statistic.name)) return []
      const preTreatments = statistic.preTreatments.flatMap(
        (preTreatment): ReadonlyArray<PreTreatment> =>
          isPreTreatmentName(preTreatment.name)
            ? [{ name: preTreatment.name, parameters: preTreatment.parameters }]
            : [],
      )
      const resolvedStatistic: Statistic = {
        name: statistic.name,
        parameters: statistic.parameters,
      }
      return [{ metric: resolved, statistic: resolvedStatistic, preTreatments }]
    })
  }

  const upstreamOf = (resolved: Metric): ReadonlyArray<string> => {
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

  const segment = (name: string, path: ReadonlyArray<string>): Segment | undefined => {
    if (segments.has(name)) return segments.get(name)
    const definition = spec.segments.definitions[name]
    if (definition === undefined) {
      unknown("segment", name, Object.keys(spec.segments.definitions), path)
      return undefined
    }
    const ownPath = ["segments", name]
    const source = spec.segments.dataSources[definition.data_source]
    if (source === undefined) {
      unknown(
        "segment data source",
        definition.data_source,
        Object.keys(spec.segments.dataSources),
        [...ownPath, "data_source"],
      )
    }
    const sourcePath = ["segments", "data_sources", definition.data_source]
    const fromExpression =
      source === undefined
        ? undefined
        : renderSegmentFromExpression(source.from_expression, source.default_dataset, sourcePath)
    const selectExpression = render(
      definition.select_expression,
      [...ownPath, "select_expression"],
      scopes.segmentSelect,
    )
    const resolved: Segment | undefined =
      source === undefined || fromExpression === undefined || selectExpression === undefined
        ? undefined
        : {
            name,
            dataSource: {
              name: definition.data_source,
              fromExpression,
              windowStart: source.window_start ?? 0,
              windowEnd: source.window_end ?? 0,
              clientIdColumn: source.client_id_column ?? "client_id",
              groupIdColumn: source.group_id_column ?? "profile_group_id",
              submissionDateColumn: source.submission_date_column ?? "submission_date",
            },
            selectExpression,
            windowStart: definition.window_start ?? source.window_start ?? 0,
            windowEnd: definition.window_end ?? source.window_end ?? 0,
            ...(definition.friendly_name === undefined
              ? {}
              : { friendlyName: definition.friendly_name.trim() }),
            ...(definition.description === undefined
              ? {}
              : { description: dedent(definition.description) }),
          }
    segments.set(name, resolved)
    return resolved
  }

  return { metric, summaries, dataSource, segment, upstreamOf, render }
}

/** Removes the common leading indentation of a multi-line TOML string, as Python's dedent. */
export const dedent = (text: string): string => {
  const lines = text.replace(/^\n/, "").split("\n")
  const indents = lines
    .filter((line) => line.trim() !== "")
    .map((line) => /^[ \t]*/.exec(line)?.[0].length ?? 0)
  const common = indents.length === 0 ? 0 : Math.min(...indents)
  return lines
    .map((line) => line.slice(common))
    .join("\n")
    .trimEnd()
}
