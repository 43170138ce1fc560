import type { AnalysisBasis } from "../domain/analysis-period.js"
import type {
  AnalysisUnit,
  DataSource,
  ExperimentsColumnType,
  Metric,
} from "../domain/config/analysis-configuration.js"
import type { IsoDate } from "../domain/dates.js"
import { dateLiteral, identifier, stringLiteral } from "./identifiers.js"

export interface MetricsQueryRequest {
  readonly experimentSlug: string
  /** The enrollments table: analysis_id, branch, enrollment_date, exposure_date, ... */
  readonly enrollmentsTable: string
  /** Windows in days relative to each client's enrollment (or exposure) date. */
  readonly windows: ReadonlyArray<{ readonly start: number; readonly end: number }>
  readonly basis: AnalysisBasis
  readonly analysisUnit: AnalysisUnit
  /** Metrics with a data source (derived metrics are computed from these afterwards). */
  readonly metrics: ReadonlyArray<Metric>
  /** The span of submission dates any window can touch, to prune partitions. */
  readonly firstDateDataRequired: IsoDate
  readonly lastDateDataRequired: IsoDate
}

/** The experiment's branch as a data source's experiments column records it. */
const recordedBranch = (type: ExperimentsColumnType, slug: string): string | undefined => {
  const key = stringLiteral(slug)
  switch (type) {
    case "simple":
      return `mozfun.map.get_key(ds.experiments, ${key})`
    case "native":
      return `mozfun.map.get_key(ds.experiments, ${key}).branch`
    case "glean":
      return `mozfun.map.get_key(ds.ping_info.experiments, ${key}).branch`
    case "events_stream":
      return `IF(JSON_VALUE(ds.event_extra, '$.experiment') = ${key}, JSON_VALUE(ds.event_extra, '$.branch'), NULL)`
    case "none":
      return undefined
  }
}

const dataSourceName = (source: DataSource): string => `ds_${source.name}`

/**
 * One data source's metrics per client and window: a LEFT JOIN of the enrollments (one row
 * per client and window) to the source over the window's days, grouped back to one row per
 * client and window, so clients without activity get their aggregates' empty values (0 for
 * COALESCE(SUM(...), 0)) and several windows never multiply each other's sums. On the
 * enrollment day, only rows the source attributes to the experiment count (Jetstream's
 * day-0 filter); `<ds>_has_contradictory_branch` and `<ds>_has_non_enrolled_data` say when
 * the source disagrees with the enrollment.
 */
const dataSourceQuery = (
  source: DataSource,
  metrics: ReadonlyArray<Metric>,
  request: MetricsQueryRequest,
): string => {
  const id =
    request.analysisUnit === "profile_group_id" ? source.groupIdColumn : source.clientIdColumn
  const date = `ds.${identifier(source.submissionDateColumn)}`
  const recorded = recordedBranch(source.experimentsColumnType, request.experimentSlug)
  // Computed once per source row. The source's rows are matched to clients and windows in an
  // inner join (day-0 filter in its WHERE), then joined back to every client on equalities
  // only: a disjunction in a LEFT JOIN's condition costs DuckDB a 40× slower join.
  const branch = recorded === undefined ? undefined : "ds.slipstream_recorded_branch"
  const columns = metrics.map(
    (metric) => `${metric.selectExpression ?? "NULL"} AS ${identifier(metric.name)}`,
  )
  if (branch !== undefined) {
    columns.push(
      `COALESCE(LOGICAL_OR(${branch} != e.branch), FALSE) AS ${identifier(`${source.name}_has_contradictory_branch`)}`,
      `COALESCE(LOGICAL_OR(${date} IS NOT NULL AND ${branch} IS NULL), FALSE) AS ${identifier(`${source.name}_has_non_enrolled_data`)}`,
    )
  }
  const dayZeroFilter =
    branch === undefined
      ? ""
      : `\n        WHERE ${date} != w.enrollment_date OR ${branch} IS NOT NULL`
  return `${identifier(dataSourceName(source))} AS (
    SELECT
      e.analysis_id,
      e.branch,
      e.analysis_window_start,
      ${columns.join(",\n      ")}
    FROM enrollments e
    LEFT JOIN (
      SELECT w.analysis_id AS slipstream_analysis_id, w.analysis_window_start AS slipstream_window_start, ds.*
      FROM enrollments w
      JOIN (
        SELECT ds.*${recorded === undefined ? "" : `, ${recorded} AS slipstream_recorded_branch`}
        FROM ${source.fromExpression} ds
        WHERE ${date} BETWEEN ${dateLiteral(request.firstDateDataRequired)} AND ${dateLiteral(request.lastDateDataRequired)}
      ) ds
        ON ds.${identifier(id)} = w.analysis_id
        AND ${date} BETWEEN DATE_ADD(w.window_anchor, INTERVAL w.analysis_window_start DAY)
          AND DATE_ADD(w.window_anchor, INTERVAL w.analysis_window_end DAY)${dayZeroFilter}
    ) ds
      ON ds.slipstream_analysis_id = e.analysis_id
      AND ds.slipstream_window_start = e.analysis_window_start
    GROUP BY e.analysis_id, e.branch, e.analysis_window_start
  )`
}

/**
 * Per-client metrics for one or several analysis windows: one row per enrolled client and
 * window with the enrollments' columns (branch, dates, segment flags), the window bounds and
 * one column per metric. The exposures basis anchors windows on the exposure date and keeps
 * exposed clients only. Data sources and metrics in sorted order: the text is deterministic.
 */
export const buildMetricsQuery = (request: MetricsQueryRequest): string => {
  const bySource = new Map<string, { source: DataSource; metrics: Metric[] }>()
  for (const metric of request.metrics) {
    if (metric.dataSource === undefined) continue
    const entry = bySource.get(metric.dataSource.name) ?? { source: metric.dataSource, metrics: [] }
    entry.metrics.push(metric)
    bySource.set(metric.dataSource.name, entry)
  }
  const sources = [...bySource.values()]
    .sort((a, b) => a.source.name.localeCompare(b.source.name))
    .map(({ source, metrics }) => ({
      source,
      metrics: [...metrics].sort((a, b) => a.name.localeCompare(b.name)),
    }))
  const windows = request.windows
    .map(
      ({ start, end }) =>
        `SELECT ${Math.trunc(start)} AS analysis_window_start, ${Math.trunc(end)} AS analysis_window_end`,
    )
    .join("\n    UNION ALL ")
  const anchor = request.basis === "exposures" ? "e.exposure_date" : "e.enrollment_date"
  const exposedOnly = request.basis === "exposures" ? "\n    WHERE e.exposure_date IS NOT NULL" : ""
  const ctes = [
    `analysis_windows AS (\n    ${windows}\n  )`,
    `enrollments AS (
    SELECT e.*, w.analysis_window_start, w.analysis_window_end, ${anchor} AS window_anchor
    FROM ${identifier(request.enrollmentsTable)} e
    CROSS JOIN analysis_windows w${exposedOnly}
  )`,
    ...sources.map(({ source, metrics }) => dataSourceQuery(source, metrics, request)),
  ]
  const selected = sources.flatMap(({ source, metrics }) => {
    const alias = identifier(dataSourceName(source))
    const sanity =
      source.experimentsColumnType === "none"
        ? []
        : [`${source.name}_has_contradictory_branch`, `${source.name}_has_non_enrolled_data`]
    return [...metrics.map((metric) => metric.name), ...sanity].map(
      (name) => `${alias}.${identifier(name)}`,
    )
  })
  const joins = sources.map(
    ({ source }) =>
      `LEFT JOIN ${identifier(dataSourceName(source))} USING (analysis_id, branch, analysis_window_start)`,
  )
  return `WITH ${ctes.join(",\n  ")}
SELECT
  e.* EXCEPT (window_anchor)${selected.map((column) => `,\n  ${column}`).join("")}
FROM enrollments e
${joins.join("\n")}`
}
