import { Schema } from "effect"
import { multipleTestingMethods } from "../../stats/multiple-testing.js"
import { isIsoDateOnly } from "../dates.js"

/**
 * Schemas of the tables of metric-hub TOML, key for key as the files spell them
 * (snake_case). Each is strict: a key not listed here is an error, not silently ignored.
 */

const optional = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(schema, { exact: true })

const Integer = Schema.Number.pipe(
  Schema.filter((value) => Number.isInteger(value), { message: () => "must be an integer" }),
)
const StringList = Schema.Array(Schema.String)
const AnalysisBasisName = Schema.Literal("enrollments", "exposures")
export const AnalysisUnitName = Schema.Literal("client_id", "profile_group_id")
export const EnrollmentsQueryTypeName = Schema.Literal(
  "normandy",
  "glean-event",
  "fenix-fallback",
  "cirrus",
)
const CalendarDate = Schema.String.pipe(
  Schema.filter((value) => isIsoDateOnly(value), {
    message: (issue) => `expected a date written YYYY-MM-DD, got ${JSON.stringify(issue.actual)}`,
  }),
)

export const MetricDefinitionSpec = Schema.Struct({
  // Redundant with the table's key; some files spell it out.
  name: optional(Schema.String),
  select_expression: optional(Schema.String),
  data_source: optional(Schema.String),
  friendly_name: optional(Schema.String),
  description: optional(Schema.String),
  bigger_is_better: optional(Schema.Boolean),
  analysis_bases: optional(Schema.Array(AnalysisBasisName)),
  analysis_units: optional(Schema.Array(AnalysisUnitName)),
  type: optional(Schema.Literal("scalar", "histogram")),
  category: optional(Schema.String),
  depends_on: optional(StringList),
  owner: optional(Schema.Union(Schema.String, StringList)),
  deprecated: optional(Schema.Boolean),
  level: optional(Schema.Literal("gold", "silver", "bronze")),
  statistics: optional(
    Schema.Record({
      key: Schema.String,
      value: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
    }),
  ),
})
export type MetricDefinitionFields = typeof MetricDefinitionSpec.Type

const ExperimentsColumnType = Schema.Literal("simple", "native", "glean", "events_stream", "none")

export const DataSourceSpec = Schema.Struct({
  from_expression: optional(Schema.String),
  experiments_column_type: optional(ExperimentsColumnType),
  client_id_column: optional(Schema.String),
  group_id_column: optional(Schema.String),
  glean_client_id_column: optional(Schema.String),
  legacy_client_id_column: optional(Schema.String),
  submission_date_column: optional(Schema.String),
  default_dataset: optional(Schema.String),
  build_id_column: optional(Schema.String),
  friendly_name: optional(Schema.String),
  description: optional(Schema.String),
  analysis_units: optional(Schema.Array(AnalysisUnitName)),
  columns_as_dimensions: optional(Schema.Boolean),
  deprecated: optional(Schema.Boolean),
  joins: optional(
    Schema.Record({
      key: Schema.String,
      value: Schema.Struct({
        relationship: optional(
          Schema.Literal("one_to_one", "many_to_one", "one_to_many", "many_to_many"),
        ),
        on_expression: optional(Schema.String),
      }),
    }),
  ),
})
export type DataSourceFields = typeof DataSourceSpec.Type

/** A window bound: days relative to enrollment, or a named point of the analysis. */
const WindowLimit = Schema.Union(
  Integer,
  Schema.Literal(
    "analysis_window_start",
    "analysis_window_end",
    "enrollment_start",
    "enrollment_end",
  ),
)
export type WindowLimit = typeof WindowLimit.Type

export const SegmentSpec = Schema.Struct({
  data_source: Schema.String,
  select_expression: Schema.String,
  friendly_name: optional(Schema.String),
  description: optional(Schema.String),
  // Jetstream's parser drops these silently; Slipstream honours them as the segment's window.
  window_start: optional(WindowLimit),
  window_end: optional(WindowLimit),
})
export type SegmentFields = typeof SegmentSpec.Type

export const SegmentDataSourceSpec = Schema.Struct({
  from_expression: Schema.String,
  window_start: optional(Integer),
  window_end: optional(Integer),
  client_id_column: optional(Schema.String),
  group_id_column: optional(Schema.String),
  submission_date_column: optional(Schema.String),
  default_dataset: optional(Schema.String),
  friendly_name: optional(Schema.String),
  description: optional(Schema.String),
  // Meaningless for segment sources (no sanity checks run on them); accepted for compatibility.
  experiments_column_type: optional(ExperimentsColumnType),
})
export type SegmentDataSourceFields = typeof SegmentDataSourceSpec.Type

const ParameterValue = Schema.Union(
  Schema.String,
  Schema.Record({ key: Schema.String, value: Schema.String }),
)
export const ParameterSpec = Schema.Struct({
  friendly_name: optional(Schema.String),
  description: optional(Schema.String),
  value: optional(ParameterValue),
  default: optional(ParameterValue),
  distinct_by_branch: optional(Schema.Boolean),
})
export type ParameterFields = typeof ParameterSpec.Type

export const DimensionSpec = Schema.Struct({
  data_source: Schema.String,
  select_expression: Schema.String,
  friendly_name: optional(Schema.String),
  description: optional(Schema.String),
})
export type DimensionFields = typeof DimensionSpec.Type

export const FunctionSpec = Schema.Struct({
  definition: Schema.String,
  friendly_name: optional(Schema.String),
  description: optional(Schema.String),
})
export type FunctionFields = typeof FunctionSpec.Type

/** metric-config-parser requires every field but the window of an exposure signal. */
export const ExposureSignalSpec = Schema.Struct({
  name: Schema.String,
  data_source: Schema.String,
  select_expression: Schema.String,
  friendly_name: Schema.String,
  description: Schema.String,
  window_start: optional(WindowLimit),
  window_end: optional(WindowLimit),
})
export type ExposureSignalFields = typeof ExposureSignalSpec.Type

export const ExperimentSpec = Schema.Struct({
  start_date: optional(CalendarDate),
  end_date: optional(CalendarDate),
  enrollment_period: optional(
    Integer.pipe(Schema.filter((value) => value >= 0, { message: () => "must not be negative" })),
  ),
  reference_branch: optional(Schema.String),
  enrollment_query: optional(Schema.String),
  exposure_signal: optional(ExposureSignalSpec),
  segments: optional(StringList),
  outcomes: optional(StringList),
  sample_size: optional(
    Integer.pipe(
      Schema.filter((value) => value >= 1 && value <= 100, {
        message: () => "must be a percentage of clients between 1 and 100",
      }),
    ),
  ),
  analysis_unit: optional(AnalysisUnitName),
  enrollments_query_type: optional(EnrollmentsQueryTypeName),
  exposure_query_type: optional(EnrollmentsQueryTypeName),
  skip: optional(Schema.Boolean),
  is_private: optional(Schema.Boolean),
  dataset_id: optional(Schema.String),
  multiple_testing: optional(Schema.Literal(...multipleTestingMethods)),
})
export type ExperimentFields = typeof ExperimentSpec.Type

export const MetricPeriodList = StringList

export const OutcomeHeaderSpec = Schema.Struct({
  friendly_name: Schema.String,
  description: Schema.String,
})
