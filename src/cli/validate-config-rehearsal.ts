import { Effect, Layer, Logger, LogLevel, Option, Ref } from "effect"
import type { AnalysisConfiguration } from "../domain/config/analysis-configuration.js"
import type { IsoDate } from "../domain/dates.js"
import type { TableSchema } from "../domain/table-schema.js"
import { booleanMetricNames, rehearseConfiguration } from "../pipeline/rehearsal.js"
import { runSettings } from "../pipeline/run.js"
import type { FileReport } from "../pipeline/validate-config.js"
import { SqlAnalyzer } from "../services/sql-analyzer.js"
import {
  catalogColumns,
  makeStatementCatalog,
  type StatementFinding,
} from "../services/warehouse/statement-checker.js"
import { recordedFor } from "../services/warehouse/statement-recorder.js"
import { Warehouse } from "../services/warehouse/warehouse.js"
import { bigQueryTelemetrySources } from "../sql/enrollments-query.js"
import { qualifiedNameFor, rehearsalLayer } from "./rehearsal-layers.js"

/**
 * validate-config's rehearsals: for each valid experiment config, the statements a run would
 * send for its synthetic experiment (one window of every period, on its end date), written
 * under `--sql-output-dir` and, with `--dry-run`, checked by GoogleSQL's analyser — syntax
 * only, or names and types when `--schemas` gives the tables they read.
 */
export interface RehearsalRequest {
  readonly sqlOutputDir: Option.Option<string>
  /** Absent: no check; an empty list: syntax only; tables: names and types too. */
  readonly dryRun: Option.Option<ReadonlyArray<TableSchema>>
}

export interface RehearsalOutcome {
  readonly reports: ReadonlyArray<FileReport>
  readonly rehearsed: number
  /** Statements the analyser checked, and how (syntax, or names and types). */
  readonly checked: number
  readonly mode: "parse" | "analyze"
}

const qualifiedName = qualifiedNameFor("bigquery", Option.none(), Option.none())

const rehearseAll = (configurations: ReadonlyArray<AnalysisConfiguration>) =>
  Effect.forEach(
    configurations,
    (configuration) =>
      rehearseConfiguration(
        configuration,
        (configuration.schedule.endDate ?? configuration.experiment.startDate) as IsoDate,
        runSettings({ sources: bigQueryTelemetrySources }),
      ).pipe(recordedFor(configuration.experiment.slug)),
    { discard: true },
  ).pipe(Logger.withMinimumLogLevel(LogLevel.Warning))

const where = (finding: StatementFinding) =>
  finding.line === undefined
    ? ""
    : ` (line ${finding.line}${finding.column === undefined ? "" : `, column ${finding.column}`})`

/** A report with the analyser's findings on its config's statements as errors. */
const withFindings = (
  report: FileReport,
  findings: ReadonlyArray<StatementFinding>,
): FileReport => {
  const slug = report.configuration?.experiment.slug
  const own = findings.filter(({ owner }) => owner !== undefined && owner === slug)
  if (own.length === 0) return report
  return {
    ...report,
    ok: false,
    errors: [
      ...report.errors,
      ...own.map(({ purpose, message, ...finding }) => ({
        path: `SQL of ${purpose}`,
        message: `${message}${where({ purpose, message, ...finding })}`,
      })),
    ],
  }
}

export const rehearseReports = (reports: ReadonlyArray<FileReport>, request: RehearsalRequest) =>
  Effect.gen(function* () {
    const configurations = reports.flatMap(({ configuration }) =>
      configuration === undefined ? [] : [configuration],
    )
    const booleanColumns = booleanMetricNames(configurations)
    if (Option.isNone(request.dryRun)) {
      yield* rehearseAll(configurations).pipe(
        Effect.provide(
          rehearsalLayer({ directory: request.sqlOutputDir, qualifiedName, booleanColumns }),
        ),
      )
      return { reports, rehearsed: configurations.length, checked: 0, mode: "parse" } as const
    }
    return yield* checkedRehearsal(reports, configurations, request.dryRun.value, {
      sqlOutputDir: request.sqlOutputDir,
      booleanColumns,
    })
  })

/** The rehearsal with every statement checked by ZetaSQL (started here, stopped after). */
const checkedRehearsal = (
  reports: ReadonlyArray<FileReport>,
  configurations: ReadonlyArray<AnalysisConfiguration>,
  tables: ReadonlyArray<TableSchema>,
  options: {
    readonly sqlOutputDir: Option.Option<string>
    readonly booleanColumns: ReadonlyArray<string>
  },
) =>
  Effect.gen(function* () {
    const mode = tables.length === 0 ? "parse" : "analyze"
    const catalog = yield* makeStatementCatalog(tables)
    const warehouse = Warehouse.checkingStatements(catalog, mode).pipe(
      Layer.provide(
        rehearsalLayer({
          directory: options.sqlOutputDir,
          qualifiedName,
          booleanColumns: options.booleanColumns,
          columnsOf: (table) => catalogColumns(catalog, table),
        }),
      ),
    )
    yield* rehearseAll(configurations).pipe(Effect.provide(warehouse))
    const findings = yield* Ref.get(catalog.findings)
    return {
      reports: reports.map((report) => withFindings(report, findings)),
      rehearsed: configurations.length,
      checked: yield* Ref.get(catalog.checked),
      mode,
    } satisfies RehearsalOutcome
  }).pipe(Effect.provide(SqlAnalyzer.zetaSql()))
