import { Either, Schema } from "effect"
import { type AnalysisPeriod, periodConfigKeys, periodForConfigKey } from "../analysis-period.js"
import {
  isPreTreatmentName,
  isStatisticName,
  preTreatmentNames,
  preTreatmentParameterSchemas,
  type SummaryParameters,
  type SummaryParameterValue,
  statisticNames,
  statisticParameterSchemas,
} from "../summary-catalogue.js"
import { type ConfigIssue, didYouMean, issue, keyPath } from "./config-issue.js"
import { issuesFromParseError } from "./schema-issues.js"
import type {
  AnalysisSpec,
  DefinitionsSpec,
  FunctionsSpec,
  MetricDefinitionSpec,
  MetricsSpec,
  Named,
  OutcomeSpec,
  PreTreatmentSpec,
  SegmentsSpec,
  StatisticSpec,
} from "./spec.js"
import {
  DataSourceSpec,
  DimensionSpec,
  ExperimentSpec,
  FunctionSpec,
  MetricDefinitionSpec as MetricDefinitionSchema,
  MetricPeriodList,
  OutcomeHeaderSpec,
  ParameterSpec,
  SegmentDataSourceSpec,
  SegmentSpec,
} from "./spec-schemas.js"

/** A decoded file: the valid parts of it, and every issue found on the way. */
export interface Decoded<A> {
  readonly spec: A
  readonly issues: ReadonlyArray<ConfigIssue>
}

type Path = ReadonlyArray<string | number>
type Table = Readonly<Record<string, unknown>>

const isTable = (value: unknown): value is Table =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)

const describe = (value: unknown): string =>
  Array.isArray(value) ? "a list" : value instanceof Date ? "a date" : JSON.stringify(value)

/** Decodes with a strict schema; on failure records the issues and yields undefined. */
const decodeWith = <A, I>(
  schema: Schema.Schema<A, I>,
  value: unknown,
  path: Path,
  issues: ConfigIssue[],
): A | undefined => {
  const result = Schema.decodeUnknownEither(schema, {
    errors: "all",
    onExcessProperty: "error",
  })(value)
  if (Either.isRight(result)) return result.right
  issues.push(...issuesFromParseError(result.left, path))
  // An unknown key is reported, but the entry stays usable, so it causes no second error
  // ("unknown metric") wherever it is referenced.
  const withoutUnknownKeys = Schema.decodeUnknownEither(schema, { onExcessProperty: "ignore" })(
    value,
  )
  return Either.isRight(withoutUnknownKeys) ? withoutUnknownKeys.right : undefined
}

const tableAt = (value: unknown, path: Path, issues: ConfigIssue[]): Table => {
  if (value === undefined) return {}
  if (isTable(value)) return value
  issues.push(issue(keyPath(...path), `expected a table, got ${describe(value)}`))
  return {}
}

/** `[name.<entry>]` tables: each entry decoded on its own so one bad entry spares the rest. */
const namedTables = <A>(
  value: unknown,
  path: Path,
  issues: ConfigIssue[],
  decodeEntry: (entry: unknown, entryPath: Path) => A | undefined,
): Named<A> => {
  const entries: Record<string, A> = {}
  for (const [name, entry] of Object.entries(tableAt(value, path, issues))) {
    const entryPath = [...path, name]
    if (!isTable(entry)) {
      issues.push(issue(keyPath(...entryPath), `expected a table, got ${describe(entry)}`))
      continue
    }
    const decoded = decodeEntry(entry, entryPath)
    if (decoded !== undefined) entries[name] = decoded
  }
  return entries
}

const checkTopLevelKeys = (
  toml: Table,
  allowed: ReadonlyArray<string>,
  role: string,
  issues: ConfigIssue[],
): void => {
  for (const key of Object.keys(toml)) {
    if (!allowed.includes(key)) {
      issues.push(
        issue(
          keyPath(key),
          `unknown top-level key "${key}" for ${role}${didYouMean(key, allowed)}; expected one of ${allowed.join(", ")}`,
        ),
      )
    }
  }
}

const isParameterScalar = (value: unknown): value is string | number | boolean =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean"

const isParameterValue = (value: unknown): value is SummaryParameterValue =>
  isParameterScalar(value) || (isTable(value) && Object.values(value).every(isParameterScalar))

/** Checks a statistic's or pre-treatment's parameters against the catalogue's schema. */
const decodeSummaryParameters = (
  schema: Schema.Schema.AnyNoContext,
  parameters: Table,
  path: Path,
  issues: ConfigIssue[],
): SummaryParameters | undefined => {
  const result = Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "error" })(
    parameters,
  )
  if (Either.isLeft(result)) {
    issues.push(...issuesFromParseError(result.left, path))
    return undefined
  }
  return Object.fromEntries(
    Object.entries(parameters).filter((entry): entry is [string, SummaryParameterValue] =>
      isParameterValue(entry[1]),
    ),
  )
}

const decodePreTreatment = (
  entry: unknown,
  path: Path,
  issues: ConfigIssue[],
): PreTreatmentSpec | undefined => {
  const { name, parameters }: { name: unknown; parameters: Table } = isTable(entry)
    ? (({ name, ...rest }) => ({ name, parameters: rest }))(entry)
    : { name: entry, parameters: {} }
  if (typeof name !== "string") {
    issues.push(
      issue(
        keyPath(...path),
        `expected a pre-treatment name or a table with "name", got ${describe(entry)}`,
      ),
    )
    return undefined
  }
  if (!isPreTreatmentName(name)) {
    issues.push(
      issue(
        keyPath(...path),
        `unknown pre-treatment "${name}"${didYouMean(name, preTreatmentNames)}; known: ${preTreatmentNames.join(", ")}`,
      ),
    )
    return undefined
  }
  const decoded = decodeSummaryParameters(
    preTreatmentParameterSchemas[name],
    parameters,
    path,
    issues,
  )
  return decoded === undefined ? undefined : { name, parameters: decoded }
}

export const decodeStatistic = (
  name: string,
  table: Table,
  path: Path,
  issues: ConfigIssue[],
): StatisticSpec | undefined => {
  if (!isStatisticName(name)) {
    issues.push(
      issue(
        keyPath(...path),
        `unknown statistic "${name}"${didYouMean(name, statisticNames)}; known: ${statisticNames.join(", ")}`,
      ),
    )
    return undefined
  }
  const { pre_treatments: preTreatmentEntries, ...parameters } = table
  const preTreatments: PreTreatmentSpec[] = []
  if (preTreatmentEntries !== undefined) {
    if (Array.isArray(preTreatmentEntries)) {
      preTreatmentEntries.forEach((entry, index) => {
        const decoded = decodePreTreatment(entry, [...path, "pre_treatments", index], issues)
        if (decoded !== undefined) preTreatments.push(decoded)
      })
    } else {
      issues.push(
        issue(
          keyPath(...path, "pre_treatments"),
          `expected a list of pre-treatments, got ${describe(preTreatmentEntries)}`,
        ),
      )
    }
  }
  const decoded = decodeSummaryParameters(statisticParameterSchemas[name], parameters, path, issues)
  return decoded === undefined ? undefined : { name, parameters: decoded, preTreatments }
}

const MetricFieldsWithoutStatistics = MetricDefinitionSchema.pipe(Schema.omit("statistics"))

/** Fields and statistics decode separately, so a bad field still lets statistics be checked. */
const decodeMetricDefinition = (
  entry: Table,
  path: Path,
  issues: ConfigIssue[],
): MetricDefinitionSpec | undefined => {
  const { statistics, ...rest } = entry
  const fields = decodeWith(MetricFieldsWithoutStatistics, rest, path, issues)
  const statisticTables = Object.entries(tableAt(statistics, [...path, "statistics"], issues))
  const decodedStatistics: StatisticSpec[] = []
  for (const [name, table] of statisticTables) {
    const statisticPath = [...path, "statistics", name]
    if (!isTable(table)) {
      issues.push(
        issue(keyPath(...statisticPath), `expected a table of parameters, got ${describe(table)}`),
      )
      continue
    }
    const decoded = decodeStatistic(name, table, statisticPath, issues)
    if (decoded !== undefined) decodedStatistics.push(decoded)
  }
  if (fields === undefined) return undefined
  const { name, ...definition } = fields
  const key = path[path.length - 1]
  if (name !== undefined && name !== key) {
    issues.push(
      issue(keyPath(...path, "name"), `name "${name}" differs from the table's key "${key}"`),
    )
  }
  // When no statistic decodes, the table is left out rather than emptied, so that the
  // error does not also read as "no statistics" where an earlier layer gave some.
  const noneDecoded = statisticTables.length > 0 && decodedStatistics.length === 0
  return statistics === undefined || noneDecoded
    ? definition
    : { ...definition, statistics: decodedStatistics }
}

const decodeMetrics = (
  value: unknown,
  issues: ConfigIssue[],
  options: { readonly periodListsAllowed: boolean },
): MetricsSpec => {
  const periods: Partial<Record<AnalysisPeriod, ReadonlyArray<string>>> = {}
  const definitions: Record<string, MetricDefinitionSpec> = {}
  for (const [key, entry] of Object.entries(tableAt(value, ["metrics"], issues))) {
    const path = ["metrics", key]
    const period = options.periodListsAllowed ? periodForConfigKey(key) : undefined
    if (period !== undefined) {
      const names = decodeWith(MetricPeriodList, entry, path, issues)
      if (names !== undefined) periods[period] = [...(periods[period] ?? []), ...names]
      continue
    }
    if (!isTable(entry)) {
      const hint = options.periodListsAllowed
        ? `; a list of metrics must be under one of ${periodConfigKeys.join(", ")}${didYouMean(key, periodConfigKeys)}`
        : ""
      issues.push(issue(keyPath(...path), `expected a metric definition table${hint}`))
      continue
    }
    const decoded = decodeMetricDefinition(entry, path, issues)
    if (decoded !== undefined) definitions[key] = decoded
  }
  return { periods, definitions }
}

const decodeSegments = (value: unknown, issues: ConfigIssue[]): SegmentsSpec => {
  const { data_sources: dataSources, ...definitions } = tableAt(value, ["segments"], issues)
  return {
    dataSources: namedTables(dataSources, ["segments", "data_sources"], issues, (entry, path) =>
      decodeWith(SegmentDataSourceSpec, entry, path, issues),
    ),
    definitions: namedTables(definitions, ["segments"], issues, (entry, path) =>
      decodeWith(SegmentSpec, entry, path, issues),
    ),
  }
}

const decodeDefinitionParts = (
  toml: Table,
  issues: ConfigIssue[],
  options: { readonly periodListsAllowed: boolean },
): DefinitionsSpec => ({
  metrics: decodeMetrics(toml.metrics, issues, options),
  dataSources: namedTables(toml.data_sources, ["data_sources"], issues, (entry, path) =>
    decodeWith(DataSourceSpec, entry, path, issues),
  ),
  segments: decodeSegments(toml.segments, issues),
  parameters: namedTables(toml.parameters, ["parameters"], issues, (entry, path) =>
    decodeWith(ParameterSpec, entry, path, issues),
  ),
  dimensions: namedTables(toml.dimensions, ["dimensions"], issues, (entry, path) =>
    decodeWith(DimensionSpec, entry, path, issues),
  ),
})

/** `definitions/<platform>.toml`: metrics, data sources, segments, parameters, dimensions. */
export const decodeDefinitionsFile = (toml: Table): Decoded<DefinitionsSpec> => {
  const issues: ConfigIssue[] = []
  checkTopLevelKeys(
    toml,
    ["metrics", "data_sources", "segments", "parameters", "dimensions"],
    "a definitions file",
    issues,
  )
  return { spec: decodeDefinitionParts(toml, issues, { periodListsAllowed: false }), issues }
}

/** `jetstream/defaults/<platform or type>.toml` and `jetstream/<experiment-slug>.toml`. */
export const decodeAnalysisFile = (toml: Table): Decoded<AnalysisSpec> => {
  const issues: ConfigIssue[] = []
  checkTopLevelKeys(
    toml,
    ["experiment", "metrics", "data_sources", "segments", "parameters"],
    "an analysis configuration",
    issues,
  )
  const definitions = decodeDefinitionParts(toml, issues, { periodListsAllowed: true })
  const experiment = decodeWith(ExperimentSpec, toml.experiment ?? {}, ["experiment"], issues)
  return { spec: { ...definitions, experiment: experiment ?? {} }, issues }
}

/** `jetstream/outcomes/<platform>/<outcome-slug>.toml`. */
export const decodeOutcomeFile = (toml: Table): Decoded<OutcomeSpec> => {
  const issues: ConfigIssue[] = []
  const { metrics, data_sources: dataSources, parameters, default_metrics, ...header } = toml
  const decodedHeader = decodeWith(OutcomeHeaderSpec, header, [], issues)
  const parts = decodeDefinitionParts({ metrics, data_sources: dataSources, parameters }, issues, {
    periodListsAllowed: false,
  })
  const defaultMetrics =
    default_metrics === undefined
      ? []
      : (decodeWith(MetricPeriodList, default_metrics, ["default_metrics"], issues) ?? [])
  for (const [index, name] of defaultMetrics.entries()) {
    if (!Object.hasOwn(parts.metrics.definitions, name)) {
      issues.push(
        issue(
          keyPath("default_metrics", index),
          `default metric "${name}" is not defined in this outcome${didYouMean(name, Object.keys(parts.metrics.definitions))}`,
        ),
      )
    }
  }
  return {
    spec: {
      friendlyName: decodedHeader?.friendly_name ?? "",
      description: decodedHeader?.description ?? "",
      defaultMetrics,
      metrics: parts.metrics.definitions,
      dataSources: parts.dataSources,
      parameters: parts.parameters,
    },
    issues,
  }
}

/** `definitions/functions.toml`: the `{{name(...)}}` helpers select expressions call. */
export const decodeFunctionsFile = (toml: Table): Decoded<FunctionsSpec> => {
  const issues: ConfigIssue[] = []
  checkTopLevelKeys(toml, ["functions"], "a functions file", issues)
  const functions = namedTables(toml.functions, ["functions"], issues, (entry, path) => {
    const decoded = decodeWith(FunctionSpec, entry, path, issues)
    if (decoded !== undefined && !decoded.definition.includes("{select_expr}")) {
      issues.push(
        issue(keyPath(...path, "definition"), "a function definition must use {select_expr}"),
      )
    }
    return decoded
  })
  return { spec: functions, issues }
}
