import { Context, type Effect, Layer } from "effect"
import type { TableSchema } from "../domain/table-schema.js"
import type { SqlCheck } from "./sql-analyzer/check.js"
import type { SqlAnalyzerError, SqlAnalyzerUnavailable } from "./sql-analyzer/error.js"
import { mozfunFunctions, type SqlFunction } from "./sql-analyzer/functions.js"
import { makeZetaSqlAnalyzer } from "./sql-analyzer/zetasql.js"

export type { ColumnSchema, TableSchema } from "../domain/table-schema.js"
export { type OutputColumn, SqlCheck } from "./sql-analyzer/check.js"
export { SqlAnalyzerError, SqlAnalyzerUnavailable } from "./sql-analyzer/error.js"
export { mozfunFunctions, type SqlFunction } from "./sql-analyzer/functions.js"

export interface ZetaSqlOptions {
  /** Functions declared in every catalog; `mozfunFunctions` unless given. */
  readonly functions?: ReadonlyArray<SqlFunction>
}

/**
 * Checks BigQuery SQL without BigQuery, with GoogleSQL's own front end (ZetaSQL), the
 * language with all its features enabled and external (BigQuery) type names.
 */
export class SqlAnalyzer extends Context.Tag("slipstream/SqlAnalyzer")<
  SqlAnalyzer,
  {
    /** Syntax only: does the statement parse? */
    readonly parse: (sql: string) => Effect.Effect<SqlCheck, SqlAnalyzerError>
    /**
     * Names and types resolved against `catalog` (and the Layer's functions): queries, CREATE
     * TABLE/VIEW ... AS, INSERT, DELETE, DROP, ... A table answers to its name however BigQuery
     * would let it be written (`a.b.c`, `` `a.b.c` ``, `` `a`.`b`.c ``, ...), and to no
     * shorter name. A catalog is registered with the server once (~10 ms, more with many
     * tables) and reused for every statement analysed against the same list (same array, or
     * same names and types) while it is among the 16 catalogs used last.
     */
    readonly analyze: (
      sql: string,
      catalog: ReadonlyArray<TableSchema>,
    ) => Effect.Effect<SqlCheck, SqlAnalyzerError>
  }
>() {
  /**
   * ZetaSQL's server from the optional package @fivetrandevelopers/zetasql, loaded only when
   * this Layer is built (SqlAnalyzerUnavailable when it is not installed), started on a free
   * local port and stopped when the scope closes.
   */
  static readonly zetaSql = (
    options: ZetaSqlOptions = {},
  ): Layer.Layer<SqlAnalyzer, SqlAnalyzerUnavailable | SqlAnalyzerError> =>
    Layer.scoped(
      SqlAnalyzer,
      makeZetaSqlAnalyzer({ functions: options.functions ?? mozfunFunctions }),
    )
}
