import type { AnalysisUnit, DataSource, DataSourceJoin } from "./analysis-configuration.js"
import { issue, keyPath } from "./config-issue.js"
import { renderFromExpression } from "./render-text.js"
import { defaultUnits, type Resolution, reportUnknown } from "./resolution.js"
import type { DataSourceFields } from "./spec-schemas.js"

/** A data source name metric-config-parser resolves (`is_valid_slug`). */
const validSlug = /^[a-zA-Z0-9_]+$/

/** A data source with its defaults applied, once its from expression is rendered. */
const dataSourceFrom = (
  name: string,
  definition: DataSourceFields,
  fromExpression: string,
  joins: ReadonlyArray<DataSourceJoin>,
  defaultAnalysisUnits: ReadonlyArray<AnalysisUnit>,
): DataSource => ({
  name,
  fromExpression,
  experimentsColumnType: definition.experiments_column_type ?? "simple",
  clientIdColumn: definition.client_id_column ?? "client_id",
  groupIdColumn: definition.group_id_column ?? "profile_group_id",
  submissionDateColumn: definition.submission_date_column ?? "submission_date",
  analysisUnits: definition.analysis_units ?? defaultAnalysisUnits,
  joins,
  ...(definition.friendly_name === undefined ? {} : { friendlyName: definition.friendly_name }),
  ...(definition.description === undefined ? {} : { description: definition.description }),
})

/**
 * Data sources by name, each resolved once, its joins followed (a cycle is an error). A name
 * that does not resolve is reported and resolves to undefined.
 */
export const dataSourceResolver = ({ spec, issues, options, render }: Resolution) => {
  const resolvedSources = new Map<string, DataSource | undefined>()
  const resolving: string[] = []

  const cycleThrough = (name: string) =>
    issues.push(
      issue(
        keyPath("data_sources", name, "joins"),
        `data sources join in a cycle: ${[...resolving, name].join(" → ")}`,
      ),
    )

  const invalidName = (name: string) =>
    issues.push(
      issue(
        keyPath("data_sources", name),
        `data source name "${name}" may have letters, digits and _ only (metric-config-parser refuses others)`,
      ),
    )

  /** The joined data sources that resolve; each that does not is reported where it is. */
  const joinsOf = (
    definition: DataSourceFields,
    ownPath: ReadonlyArray<string>,
  ): ReadonlyArray<DataSourceJoin> =>
    Object.entries(definition.joins ?? {}).flatMap(([joined, join]) => {
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

  const fromExpressionOf = (
    name: string,
    definition: DataSourceFields,
    ownPath: ReadonlyArray<string>,
  ): string | undefined => {
    if (definition.from_expression === undefined) {
      issues.push(issue(keyPath(...ownPath), `data source "${name}" has no from_expression`))
      return undefined
    }
    return renderFromExpression(
      render,
      issues,
      definition.from_expression,
      definition.default_dataset,
      ownPath,
    )
  }

  const dataSource = (name: string, path: ReadonlyArray<string>): DataSource | undefined => {
    if (resolvedSources.has(name)) return resolvedSources.get(name)
    const definition = spec.dataSources[name]
    if (definition === undefined) {
      reportUnknown(issues, "data source", name, Object.keys(spec.dataSources), path)
      return undefined
    }
    if (resolving.includes(name)) {
      cycleThrough(name)
      return undefined
    }
    if (!validSlug.test(name)) {
      invalidName(name)
      resolvedSources.set(name, undefined)
      return undefined
    }
    const ownPath = ["data_sources", name]
    resolving.push(name)
    const joins = joinsOf(definition, ownPath)
    resolving.pop()
    const fromExpression = fromExpressionOf(name, definition, ownPath)
    const resolved =
      fromExpression === undefined
        ? undefined
        : dataSourceFrom(name, definition, fromExpression, joins, defaultUnits(options.appName))
    resolvedSources.set(name, resolved)
    return resolved
  }

  return dataSource
}
