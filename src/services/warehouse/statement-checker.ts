import { Effect, FiberRef, Ref } from "effect"
import type { TableSchema } from "../../domain/table-schema.js"
import { SqlAnalyzer, type SqlAnalyzerError, type SqlCheck } from "../sql-analyzer.js"
import { beforeEachStatement } from "./statement-hook.js"
import { statementOwner } from "./statement-recorder.js"
import type { Warehouse } from "./warehouse.js"

/**
 * Every statement sent to the warehouse checked by GoogleSQL's analyser before it goes on:
 * syntax only, or names and types against a catalog that starts with the tables given and
 * grows with every table and view the statements create (their columns as the analyser
 * resolved them). `validate-config --dry-run` runs a rehearsal under it.
 */

/** A statement the analyser refused, with whose it was and why. */
export interface StatementFinding {
  readonly owner: string | undefined
  readonly purpose: string
  readonly message: string
  readonly line?: number
  readonly column?: number
  readonly sql: string
}

/** The tables known so far, by every name a statement may use for them. */
export interface StatementCatalog {
  readonly tables: Ref.Ref<ReadonlyArray<TableSchema>>
  /** Tables whose creating statement was refused: reading them is a consequence, not news. */
  readonly failedTargets: Ref.Ref<ReadonlySet<string>>
  readonly findings: Ref.Ref<ReadonlyArray<StatementFinding>>
  readonly checked: Ref.Ref<number>
}

export const makeStatementCatalog = (
  tables: ReadonlyArray<TableSchema>,
): Effect.Effect<StatementCatalog> =>
  Effect.all({
    tables: Ref.make(tables),
    failedTargets: Ref.make<ReadonlySet<string>>(new Set()),
    findings: Ref.make<ReadonlyArray<StatementFinding>>([]),
    checked: Ref.make(0),
  })

/** The columns a table of the catalog has, as name → type, if it is known. */
export const catalogColumns = (catalog: StatementCatalog, name: string) =>
  Ref.get(catalog.tables).pipe(
    Effect.map((tables) => {
      const table = tables.find((known) => known.name === name)
      return table === undefined
        ? undefined
        : new Map(table.columns.map(({ name: column, type }) => [column, type]))
    }),
  )

/** `main.x` answers to `x` as well: the dataset is the query's default. */
const namesOf = (qualified: string): ReadonlyArray<string> => {
  const last = qualified.split(".").at(-1) ?? qualified
  return last === qualified ? [qualified] : [qualified, last]
}

const missingTable = /^Table not found: `?([^`;\s]+)`?/

const created =
  /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?`([^`]+)`/i

/** `inner` with every statement checked first (`Warehouse.checkingStatements`). */
export const checkingStatements = (
  inner: Warehouse["Type"],
  catalog: StatementCatalog,
  mode: "parse" | "analyze",
): Effect.Effect<Warehouse["Type"], never, SqlAnalyzer> =>
  Effect.gen(function* () {
    const analyzer = yield* SqlAnalyzer

    const register = (qualified: string, check: SqlCheck) =>
      check._tag === "Valid" && check.outputColumns.length > 0
        ? Ref.update(catalog.tables, (tables) => [
            ...tables.filter(({ name }) => !namesOf(qualified).includes(name)),
            ...namesOf(qualified).map((name) => ({ name, columns: check.outputColumns })),
          ])
        : Effect.void

    const found = (finding: Omit<StatementFinding, "owner">) =>
      FiberRef.get(statementOwner).pipe(
        Effect.flatMap((owner) =>
          Ref.update(catalog.findings, (findings) => [...findings, { owner, ...finding }]),
        ),
      )

    // Never fails: a statement refused, or an analyser that broke, is a finding, and the
    // rehearsal goes on so every other statement is checked too.
    const check = (sql: string, purpose: string) =>
      Effect.gen(function* () {
        const result: SqlCheck =
          mode === "parse"
            ? yield* analyzer.parse(sql)
            : yield* analyzer.analyze(sql, yield* Ref.get(catalog.tables))
        yield* Ref.update(catalog.checked, (count) => count + 1)
        const target = created.exec(sql)?.[1]
        if (target !== undefined) yield* register(target, result)
        if (result._tag === "Invalid") {
          if (target !== undefined) {
            yield* Ref.update(
              catalog.failedTargets,
              (failed) => new Set([...failed, ...namesOf(target)]),
            )
          }
          const missing = missingTable.exec(result.message)?.[1]
          if (missing !== undefined && (yield* Ref.get(catalog.failedTargets)).has(missing)) return
          yield* found({
            purpose,
            message: result.message,
            ...(result.line === undefined ? {} : { line: result.line }),
            ...(result.column === undefined ? {} : { column: result.column }),
            sql,
          })
        }
      }).pipe(
        Effect.catchAll((error: SqlAnalyzerError) =>
          found({ purpose, message: `the SQL analyser failed: ${error.message}`, sql }),
        ),
      )

    return beforeEachStatement(inner, check)
  })
