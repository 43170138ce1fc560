import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api"
import { Either } from "effect"
import type { QueryResult } from "../../src/services/warehouse/warehouse.js"
import {
  duckDbCompatibilityStatements,
  toDuckDbSql,
} from "../../src/sql/dialects/duckdb-compatibility.js"
import type { Clients } from "./populations.js"

/** The table the push-down reads: one row per client, as a metrics table holds them. */
export const metricsTable = "metrics_overall_1"
export const windowStart = 1

/**
 * An embedded DuckDB holding the generated clients of every branch, read by the push-down SQL
 * exactly as the pipeline sends it (BigQuery text through the DuckDB translation).
 */
export const openWarehouse = async (branches: ReadonlyMap<string, Clients>) => {
  const instance = await DuckDBInstance.create(":memory:")
  const connection = await instance.connect()
  for (const statement of duckDbCompatibilityStatements) await connection.run(statement)
  const folder = mkdtempSync(join(tmpdir(), "slipstream-accuracy-"))
  const file = join(folder, "clients.csv")
  const lines = ["analysis_id,branch,analysis_window_start,hours,days,clicks,searches"]
  let id = 0
  for (const [branch, clients] of branches) {
    for (let client = 0; client < clients.hours.length; client++) {
      // Shortest round-trip text: DuckDB parses it back into the same double.
      lines.push(
        `${id++},${branch},${windowStart},${clients.hours[client]},${clients.days[client]},${clients.clicks[client]},${clients.searches[client]}`,
      )
    }
  }
  writeFileSync(file, `${lines.join("\n")}\n`)
  await connection.run(
    `CREATE TABLE ${metricsTable} AS SELECT * FROM read_csv('${file}', header = true, columns = {'analysis_id': 'BIGINT', 'branch': 'VARCHAR', 'analysis_window_start': 'BIGINT', 'hours': 'DOUBLE', 'days': 'DOUBLE', 'clicks': 'DOUBLE', 'searches': 'DOUBLE'})`,
  )
  rmSync(folder, { recursive: true, force: true })
  return {
    /** A push-down query's rows, as the warehouse service returns them. */
    query: async (sql: string): Promise<QueryResult> => {
      const translated = toDuckDbSql(sql)
      if (Either.isLeft(translated)) throw new Error(JSON.stringify(translated.left))
      const result = await connection.runAndReadAll(translated.right)
      return {
        columnNames: result.columnNames(),
        columns: result.getColumnsJS(),
        cost: { milliseconds: 0 },
      }
    },
    close: () => closeConnection(connection),
  }
}

const closeConnection = (connection: DuckDBConnection) => connection.closeSync()
