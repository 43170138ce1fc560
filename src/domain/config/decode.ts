import { Either, Schema } from "effect"
import {
  decodeStatistic as decodeStatisticParameters,
  isStatisticName,
  type Statistic,
  statisticNames,
} from "../../stats/catalogue/statistic-catalogue.js"
import { type AnalysisPeriod, periodConfigKeys, periodForConfigKey } from "../analysis-period.js"
import {
  decodePreTreatment as decodePreTreatmentParameters,
  isPreTreatmentName,
  type PreTreatment,
  preTreatmentNames,
} from "../pre-treatment-catalogue.js"
import {
  asWarnings,
  type ConfigIssue,
  didYouMean,
  issue,
  isWarning,
  keyPath,
  warning,
} from "./config-issue.js"
import { issuesFromParseError } from "./schema-issues.js"
import type {
  AnalysisSpec,
  DefinitionsSpec,
  FunctionsSpec,
  MetricDefinitionSpec,
  MetricsSpec,
  Named,
  OutcomeSpec,
  SegmentsSpec,
  StatisticSpec,
  SummaryParameters,
  SummaryParameterValue,
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

/**
 * The top-level keys metric-config-parser lets any file have (`validate_config_settings`);
 * any other is an error there, and here.
 */
const parserTopLevelKeys = [
  "project",
  "population",
  "metrics",
  "experiment",
  "segments",
  "data_sources",
  "friendly_name",
  "description",
  "parameters",
  "alerts",
  "dimensions",
  "functions",
]

/** A key the parser refuses is an error; one it allows but this kind of file never reads, a warning. */
const checkTopLevelKeys = (
  toml: Table,
  read: ReadonlyArray<string>,
  role: string,
  issues: ConfigIssue[],
): void => {
  for (const key of Object.keys(toml)) {
    if (read.includes(key)) continue
    if (parserTopLevelKeys.includes(key)) {
      issues.push(
        warning(keyPath(key), `top-level key "${key}" is not read in ${role}; it is ignored`),
      )
      continue
    }
    issues.push(
      issue(
        keyPath(key),
        `unknown top-level key "${key}"${didYouMean(key, read)}: metric-config-parser refuses it; ${role} may have ${read.join(", ")}`,
      ),
    )
  }
}

const isParameterScalar = (value: unknown): value is string | number | boolean =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean"

const isParameterValue = (value: unknown): value is SummaryParameterValue =>
  isParameterScalar(value) || (isTable(value) && Object.values(value).every(isParameterScalar))

/** The parameters as written, for what reads them before decoding (metric names they refer to). */
const writtenParameters = (parameters: Table): SummaryParameters =>
  Object.fromEntries(
    Object.entries(parameters).filter((entry): entry is [string, SummaryParameterValue] =>
      isParameterValue(entry[1]),
    ),
  )

const decodePreTreatment = (
  entry: unknown,
  path: Path,
  issues: ConfigIssue[],
): PreTreatment | undefined => {
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
  const decoded = decodePreTreatmentParameters(name, parameters)
  if (Either.isLeft(decoded)) {
    issues.push(...issuesFromParseError(decoded.left, path))
    return undefined
  }
  return decoded.right
}

/** A known statistic's parameters, checked and completed with its defaults. */
const decodeKnownStatistic = (
  name: string,
  parameters: Table,
  path: Path,
  problems: ConfigIssue[],
): Statistic | undefined => {
  if (!isStatisticName(name)) {
    problems.push(
      issue(
        keyPath(...path),
        `unknown statistic "${name}"${didYouMean(name, statisticNames)}; known: ${statisticNames.join(", ")}`,
      ),
    )
    return undefined
  }
  const decoded = decodeStatisticParameters(name, parameters)
  if (Either.isLeft(decoded)) {
    problems.push(...issuesFromParseError(decoded.left, path))
    return undefined
  }
  return decoded.right
}

/**
 * A statistic and its pre-treatments. metric-config-parser takes any name and any parameters
 * here (Jetstream fails that one statistic when it runs), so what is wrong with one is a
 * warning and the statistic is kept, unusable (not decoded): it still counts as the metric's
 * statistical treatment, and is not computed.
 */
export const decodeStatistic = (
  name: string,
  table: Table,
  path: Path,
  issues: ConfigIssue[],
): StatisticSpec => {
  const problems: ConfigIssue[] = []
  const { pre_treatments: preTreatmentEntries, ...parameters } = table
  const preTreatments: PreTreatment[] = []
  if (preTreatmentEntries !== undefined) {
    if (Array.isArray(preTreatmentEntries)) {
      preTreatmentEntries.forEach((entry, index) => {
        const decoded = decodePreTreatment(entry, [...path, "pre_treatments", index], problems)
        if (decoded !== undefined) preTreatments.push(decoded)
      })
    } else {
      problems.push(
        issue(
          keyPath(...path, "pre_treatments"),
          `expected a list of pre-treatments, got ${describe(preTreatmentEntries)}`,
        ),
      )
    }
  }
  const decoded = decodeKnownStatistic(name, parameters, path, problems)
  issues.push(...asWarnings(problems))
  return {
    name,
    parameters: writtenParameters(parameters),
    preTreatments,
    ...(decoded === undefined || problems.length > 0 ? {} : { decoded }),
  }
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
    const found: ConfigIssue[] = []
    decodedStatistics.push(decodeStatistic(name, table, statisticPath, found))
    issues.push(
      ...found.map((entry) => ({ ...entry, message: `${entry.message}; it is not computed` })),
    )
  }
  if (fields === undefined) return undefined
  const { name, ...definition } = fields
  const key = path[path.length - 1]
  if (name !== undefined && name !== key) {
    issues.push(
      warning(
        keyPath(...path, "name"),
        `name "${name}" differs from the table's key "${key}"; the key names the metric`,
      ),
    )
  }
  return statistics === undefined ? definition : { ...definition, statistics: decodedStatistics }
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

/**
 * metric-config-parser builds a parameter with `ParameterDefinition(**table)`, which refuses a
 * key it does not know: here too that is an error, not a warning.
 */
const decodeParameter = (entry: unknown, path: Path, issues: ConfigIssue[]) => {
  const found: ConfigIssue[] = []
  const decoded = decodeWith(ParameterSpec, entry, path, found)
  issues.push(
    ...found.map((entry) =>
      isWarning(entry)
        ? issue(
            entry.path,
            entry.message.replace("; it is ignored", ": metric-config-parser refuses it"),
          )
        : entry,
    ),
  )
  return decoded
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
    decodeParameter(entry, path, issues),
  ),
  dimensions: namedTables(toml.dimensions, ["dimensions"], issues, (entry, path) =>
    decodeWith(DimensionSpec, entry, path, issues),
  ),
})

/** `definitions/<platform>.toml`: metrics, data sources, segments, parameters, dimensions. */
export const decodeDefinitionsFile = (toml: Table): Decoded<DefinitionsSpec> => {
  const issues: ConfigIssue[] = []
  // Alerts are OpMon's: read by metric-config-parser's DefinitionSpec, unused by an analysis.
  checkTopLevelKeys(
    toml,
    ["metrics", "data_sources", "segments", "parameters", "dimensions", "alerts"],
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
  const { metrics, data_sources: dataSources, parameters, default_metrics, ...others } = toml
  const { friendly_name, description, ...unread } = others
  checkTopLevelKeys(
    unread,
    ["friendly_name", "description", "metrics", "data_sources", "parameters", "default_metrics"],
    "an outcome",
    issues,
  )
  const header = Object.fromEntries(
    Object.entries({ friendly_name, description }).filter(([, value]) => value !== undefined),
  )
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
        warning(
          keyPath(...path, "definition"),
          "the definition does not use {select_expr}, so the argument is ignored",
        ),
      )
    }
    return decoded
  })
  return { spec: functions, issues }
}
