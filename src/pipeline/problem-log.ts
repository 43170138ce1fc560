import { Effect, Schema } from "effect"
import { logsTable } from "../domain/table-names.js"
import { decodeQueryRows } from "../services/warehouse/query-rows.js"
import { Warehouse, type WarehouseError } from "../services/warehouse/warehouse.js"
import type { Cell } from "../sql/literal-rows.js"
import {
  addProblemLogColumnSql,
  createProblemLogSql,
  deleteProblemsSql,
  insertProblemsSql,
  type ProblemScope,
  problemLogColumns,
  selectProblemsSql,
} from "../sql/problem-log.js"
import type { Problem } from "./problem.js"

/**
 * The problems of every run, in the warehouse's `logs` table. A run replaces the problems of
 * what it recomputes — the experiment as a whole when it starts, each window as its
 * statistics are written — so the table, the errors JSON and the report always describe the
 * latest computation, never a failure that a later run fixed.
 */

const problemCells = (problem: Problem): ReadonlyArray<Cell> => [
  problem.timestamp,
  problem.experiment,
  problem.analysisDate,
  problem.metric,
  problem.statistic,
  problem.segment,
  problem.analysisBasis,
  problem.period,
  problem.message,
  problem.exceptionType,
  problem.level,
  problem.windowIndex === null ? null : String(problem.windowIndex),
  problem.exception,
  problem.filename,
  problem.funcName,
]

/** Rows per statement: BigQuery refuses query text over 1 MB. */
const rowsPerStatement = 500

const table = Warehouse.pipe(Effect.map((warehouse) => warehouse.qualifiedName(logsTable)))

/** Creates the logs table, or adds the columns an older version's table lacks. */
const ensureProblemLog = Effect.gen(function* () {
  const warehouse = yield* Warehouse
  const name = yield* table
  if (!(yield* warehouse.tableExists(logsTable))) {
    // IF NOT EXISTS: another experiment of this run may create it first.
    yield* warehouse.query(createProblemLogSql(name), `creating ${logsTable} unless it exists`)
    return
  }
  const existing = yield* warehouse.columnTypes(logsTable)
  for (const column of problemLogColumns.filter(({ name }) => !existing.has(name))) {
    yield* warehouse.query(
      addProblemLogColumnSql(name, column),
      `adding column ${column.name} to ${logsTable}`,
    )
  }
})

const insertProblems = (problems: ReadonlyArray<Problem>) =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const name = yield* table
    for (let start = 0; start < problems.length; start += rowsPerStatement) {
      const chunk = problems.slice(start, start + rowsPerStatement)
      yield* warehouse.query(
        insertProblemsSql(name, chunk.map(problemCells)),
        `logging ${chunk.length} problems`,
      )
    }
  })

const scopeWords = (scope: ProblemScope): string =>
  scope.kind === "experiment"
    ? `${scope.experiment}`
    : `${scope.experiment} (${scope.period} ${scope.windowIndex})`

/**
 * Replaces the problems logged for `scope` with `problems`. Call it once per experiment and
 * run with the experiment scope first: that call also makes sure the table is there. A stop
 * (Ctrl-C, SIGTERM) waits for the insert once the delete has begun: a window's problems are
 * never lost between the two.
 */
export const replaceProblems = (
  scope: ProblemScope,
  problems: ReadonlyArray<Problem>,
): Effect.Effect<void, WarehouseError, Warehouse> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    if (scope.kind === "experiment") yield* ensureProblemLog
    const stamped = yield* keepEarlierTimestamps(scope, problems)
    const name = yield* table
    yield* Effect.uninterruptible(
      warehouse
        .query(
          deleteProblemsSql(name, scope),
          `replacing the logged problems of ${scopeWords(scope)}`,
        )
        .pipe(Effect.zipRight(insertProblems(stamped))),
    )
  })

const NullableText = Schema.NullOr(Schema.String)

/** A row of the logs table as it is read back; the columns older versions lacked may be null. */
const LoggedProblemRow = Schema.Struct({
  timestamp: Schema.DateFromSelf,
  experiment: NullableText,
  analysis_date: NullableText,
  metric: NullableText,
  statistic: NullableText,
  segment: NullableText,
  analysis_basis: Schema.NullOr(Schema.Literal("enrollments", "exposures")),
  period: NullableText,
  message: Schema.String,
  exception_type: NullableText,
  log_level: Schema.String,
  window_index: NullableText,
  exception: NullableText,
  filename: NullableText,
  func_name: NullableText,
})
export type LoggedProblemRow = typeof LoggedProblemRow.Type

/** The problems logged for an experiment, oldest first, decoded. */
export const loggedProblems = (
  experiment: string,
): Effect.Effect<ReadonlyArray<LoggedProblemRow>, WarehouseError, Warehouse> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    if (!(yield* warehouse.tableExists(logsTable))) return []
    return yield* readProblemRows(experiment, `reading the logs of ${experiment}`)
  })

/** The logged problems of an experiment or a scope, decoded. */
const readProblemRows = (of: string | ProblemScope, purpose: string) =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const result = yield* warehouse.query(selectProblemsSql(yield* table, of), purpose)
    return yield* decodeQueryRows(LoggedProblemRow, result, {
      purpose,
      table: logsTable,
      rowKind: "a problem row",
    })
  })

/** What makes two problems the same one: where it is, its level, its type and its message. */
const rowIdentity = (row: LoggedProblemRow): string =>
  JSON.stringify([
    row.experiment,
    row.analysis_date,
    row.metric,
    row.statistic,
    row.segment,
    row.analysis_basis,
    row.period,
    row.window_index,
    row.log_level,
    row.exception_type,
    row.message,
  ])

/** A problem's identity as its row will have it (`rowIdentity`). */
const problemIdentity = (problem: Problem): string =>
  JSON.stringify([
    problem.experiment,
    problem.analysisDate,
    problem.metric,
    problem.statistic,
    problem.segment,
    problem.analysisBasis,
    problem.period,
    problem.windowIndex === null ? null : String(problem.windowIndex),
    problem.level,
    problem.exceptionType,
    problem.message,
  ])

/**
 * `problems`, each with the timestamp of the same problem already logged for `scope` when
 * there is one (same place, level, type and message; the earliest if several), and its own
 * otherwise. A rerun that meets a problem again has not found a new one: keeping the time it
 * was first logged keeps the logs table — and so the errors file and the report, which are
 * made from it — unchanged when nothing changed, so an identical rerun rewrites no file,
 * and tells a reader how long the problem has been there. A problem whose message changed
 * (another count, say) is a new one and gets the time of this run. This costs one read of
 * the scope's rows, and only when there are problems to log. Problems of the experiment as a
 * whole are cleared when a run starts (src/pipeline/analyse-experiment.ts), so one logged
 * again later in that run has nothing to keep its time from.
 */
const keepEarlierTimestamps = (scope: ProblemScope, problems: ReadonlyArray<Problem>) =>
  Effect.gen(function* () {
    if (problems.length === 0) return problems
    const earlier = yield* readProblemRows(
      scope,
      `reading the logged problems of ${scopeWords(scope)}`,
    )
    const first = new Map<string, string>()
    for (const row of earlier) {
      const key = rowIdentity(row)
      const time = row.timestamp.toISOString()
      const known = first.get(key)
      if (known === undefined || time < known) first.set(key, time)
    }
    return problems.map((problem) => {
      const time = first.get(problemIdentity(problem))
      return time !== undefined && time < problem.timestamp
        ? { ...problem, timestamp: time }
        : problem
    })
  })
