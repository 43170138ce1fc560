import type { Segment } from "./analysis-configuration.js"
import { dedent } from "./dedent.js"
import { renderSegmentFromExpression } from "./render-text.js"
import { type Resolution, reportUnknown } from "./resolution.js"
import type { SegmentDataSourceFields, SegmentFields } from "./spec-schemas.js"
import { scopes } from "./template.js"

/** A segment with its defaults applied (its windows default to its data source's). */
const segmentFrom = (
  name: string,
  definition: SegmentFields,
  source: SegmentDataSourceFields,
  fromExpression: string,
  selectExpression: string,
): Segment => ({
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
  ...(definition.description === undefined ? {} : { description: dedent(definition.description) }),
})

/** Segments by name, each resolved once; one that does not resolve is reported, undefined. */
export const segmentResolver = ({ spec, issues, render }: Resolution) => {
  const resolvedSegments = new Map<string, Segment | undefined>()

  return (name: string, path: ReadonlyArray<string>): Segment | undefined => {
    if (resolvedSegments.has(name)) return resolvedSegments.get(name)
    const definition = spec.segments.definitions[name]
    if (definition === undefined) {
      reportUnknown(issues, "segment", name, Object.keys(spec.segments.definitions), path)
      return undefined
    }
    const ownPath = ["segments", name]
    const source = spec.segments.dataSources[definition.data_source]
    if (source === undefined) {
      reportUnknown(
        issues,
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
        : renderSegmentFromExpression(
            render,
            issues,
            source.from_expression,
            source.default_dataset,
            sourcePath,
          )
    const selectExpression = render(
      definition.select_expression,
      [...ownPath, "select_expression"],
      scopes.segmentSelect,
    )
    const resolved =
      source === undefined || fromExpression === undefined || selectExpression === undefined
        ? undefined
        : segmentFrom(name, definition, source, fromExpression, selectExpression)
    resolvedSegments.set(name, resolved)
    return resolved
  }
}
