import { Effect } from "effect"
import { createOrReplaceTableSql } from "../../sql/table-statements.js"
import type { WarehouseError } from "./error.js"
import type { Warehouse } from "./warehouse.js"

/**
 * `inner` with `before` run on every statement sent to it, before it is sent, as the
 * statement reads: a table written from a query as the `CREATE OR REPLACE TABLE ... AS` it
 * amounts to. What `--sql-output-dir` records and `--dry-run` checks.
 */
export const beforeEachStatement = (
  inner: Warehouse["Type"],
  before: (sql: string, purpose: string) => Effect.Effect<void, WarehouseError>,
): Warehouse["Type"] => ({
  ...inner,
  query: (sql, purpose) => Effect.zipRight(before(sql, purpose), inner.query(sql, purpose)),
  queryDoubles: (sql, purpose) =>
    Effect.zipRight(before(sql, purpose), inner.queryDoubles(sql, purpose)),
  createTableAs: (table, sql, purpose, options) =>
    Effect.zipRight(
      before(createOrReplaceTableSql(inner.qualifiedName(table), sql), purpose),
      inner.createTableAs(table, sql, purpose, options),
    ),
  dryRun: (sql, purpose) => Effect.zipRight(before(sql, purpose), inner.dryRun(sql, purpose)),
})
