import type { DataSource, Metric } from "../../src/domain/config/analysis-configuration.js"

/** A resolved data source with metric-hub's default columns, for SQL builder tests. */
export const dataSourceFixture = (
  name: string,
  fromExpression: string,
  experimentsColumnType: DataSource["experimentsColumnType"] = "simple",
): DataSource => ({
  name,
  fromExpression,
  experimentsColumnType,
  clientIdColumn: "client_id",
  groupIdColumn: "profile_group_id",
  submissionDateColumn: "submission_date",
  analysisUnits: ["client_id", "profile_group_id"],
  joins: [],
})

/** A resolved metric of a data source, with the defaults a definition without extras gets. */
export const metricFixture = (
  name: string,
  dataSource: DataSource,
  selectExpression: string,
): Metric => ({
  name,
  dataSource,
  selectExpression,
  biggerIsBetter: true,
  analysisBases: ["enrollments", "exposures"],
  type: "scalar",
  dependsOn: [],
  owners: [],
  deprecated: false,
})

/** Warehouse result columns as one object per row. */
export const rowObjects = (
  columns: ReadonlyArray<ReadonlyArray<unknown>>,
  names: ReadonlyArray<string>,
): ReadonlyArray<Record<string, unknown>> =>
  (columns[0] ?? []).map((_, row) =>
    Object.fromEntries(names.map((name, index) => [name, columns[index]?.[row]])),
  )

/** A result column as numbers (BIGINT arrives as bigint); anything else reads as NaN. */
export const numbersOf = (column: ReadonlyArray<unknown> | undefined): number[] =>
  (column ?? []).map((value) =>
    typeof value === "bigint" ? Number(value) : typeof value === "number" ? value : Number.NaN,
  )
