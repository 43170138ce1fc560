import { DuckDBInstance } from "@duckdb/node-api"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { toDuckDbSql } from "../../src/sql/dialects/duckdb-compatibility.js"
import { type ColumnSpec, literalRowsQuery } from "../../src/sql/literal-rows.js"

const columns: ReadonlyArray<ColumnSpec> = [
  { name: "name", type: "STRING" },
  { name: "value", type: "FLOAT64" },
  { name: "count", type: "INT64" },
  { name: "flag", type: "BOOL" },
  { name: "at", type: "TIMESTAMP" },
]

const runOnDuckDb = async (sql: string) => {
  const translated = toDuckDbSql(sql)
  if (Either.isLeft(translated)) throw new Error(JSON.stringify(translated.left))
  const connection = await (await DuckDBInstance.create(":memory:")).connect()
  const reader = await connection.runAndReadAll(translated.right)
  return { names: reader.columnNames(), rows: reader.getRowsJS() }
}

describe("literalRowsQuery", () => {
  it("round-trips hostile strings, non-finite numbers and timestamps through DuckDB", async () => {
    const { names, rows } = await runOnDuckDb(
      literalRowsQuery("duckdb", columns, [
        ["it's a `name`; DROP TABLE x --", 1.5, 3, true, "2026-11-25T10:00:00.000Z"],
        ["back\\slash", Number.NaN, null, false, null],
        [null, Number.POSITIVE_INFINITY, 7.9, null, "2026-01-02T03:04:05.678Z"],
      ]),
    )
    expect(names).toEqual(["name", "value", "count", "flag", "at"])
    expect(rows.map((row) => row.slice(0, 4))).toEqual([
      ["it's a `name`; DROP TABLE x --", 1.5, 3n, true],
      ["back\\slash", null, null, false],
      [null, null, 7n, null],
    ])
    expect(rows[0]?.[4]).toEqual(new Date("2026-11-25T10:00:00.000Z"))
    expect(rows[2]?.[4]).toEqual(new Date("2026-01-02T03:04:05.678Z"))
  })

  it("types an empty result's columns", async () => {
    const { names, rows } = await runOnDuckDb(literalRowsQuery("duckdb", columns, []))
    expect(names).toEqual(["name", "value", "count", "flag", "at"])
    expect(rows).toEqual([])
  })

  it("writes BigQuery's typed array of structs", () => {
    expect(literalRowsQuery("bigquery", columns.slice(0, 2), [["a'b", 2]])).toBe(
      "SELECT * FROM UNNEST(ARRAY<STRUCT<`name` STRING, `value` FLOAT64>>[\n  ('a\\'b', 2)\n])",
    )
    expect(literalRowsQuery("bigquery", columns.slice(0, 1), [])).toBe(
      "SELECT CAST(NULL AS STRING) AS `name` LIMIT 0",
    )
  })
})
