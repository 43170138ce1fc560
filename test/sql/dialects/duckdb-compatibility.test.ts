import { DuckDBInstance } from "@duckdb/node-api"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import {
  duckDbCompatibilityStatements,
  toDuckDbSql,
  unsupportedConstructs,
} from "../../../src/sql/dialects/duckdb-compatibility.js"

let instance: DuckDBInstance

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:")
  const connection = await instance.connect()
  for (const statement of duckDbCompatibilityStatements) await connection.run(statement)
  await connection.run(`
    CREATE TABLE events AS SELECT * FROM (VALUES
      ('c1', DATE '2020-01-01', 'normandy', 2, [{'key': 'branch', 'value': 'control'}]),
      ('c1', DATE '2020-01-03', 'search', 0, [{'key': 'branch', 'value': 'control'}]),
      ('c2', DATE '2020-01-02', 'normandy', 5, [{'key': 'branch', 'value': 'treatment'}])
    ) t(client_id, submission_date, event_category, n, extras)`)
  connection.closeSync()
})

afterAll(() => instance.closeSync())

/** Runs BigQuery-style SQL on DuckDB through the rewrite; rows as plain values. */
const run = async (bigQuerySql: string) => {
  const translated = toDuckDbSql(bigQuerySql)
  if (Either.isLeft(translated)) throw new Error(JSON.stringify(translated.left))
  const connection = await instance.connect()
  const rows = (await connection.runAndReadAll(translated.right)).getRowsJson()
  connection.closeSync()
  return rows
}

describe("BigQuery SQL on DuckDB", () => {
  it("runs COUNTIF, LOGICAL_OR/AND and SAFE_DIVIDE as BigQuery means them", async () => {
    expect(
      await run(`SELECT COUNTIF(event_category = "normandy"), LOGICAL_OR(n > 4), LOGICAL_AND(n > 4),
                  SAFE_DIVIDE(SUM(n), 0), SAFE_DIVIDE(SUM(n), 2) FROM events`),
    ).toEqual([["2", true, false, null, 3.5]])
  })

  it("shifts and subtracts dates with INTERVAL and DATE_DIFF's argument order", async () => {
    expect(
      await run(`SELECT DATE_ADD(DATE '2020-01-30', INTERVAL 3 DAY), DATE_SUB(DATE '2020-03-01', INTERVAL 1 DAY),
                  DATE_DIFF(DATE '2020-01-05', DATE '2020-01-01', DAY), DATE_ADD(submission_date, INTERVAL n + 1 DAY)
                 FROM events WHERE client_id = 'c2'`),
    ).toEqual([["2020-02-02", "2020-02-29", "4", "2020-01-08"]])
  })

  it("reads backtick identifiers, double-quoted strings and SELECT * EXCEPT", async () => {
    expect(
      await run(
        'SELECT * EXCEPT (extras, n) FROM `events` WHERE event_category = "search" -- a comment',
      ),
    ).toEqual([["c1", "2020-01-03", "search"]])
  })

  it("looks keys up with mozfun.map.get_key and casts safely", async () => {
    expect(
      await run(`SELECT mozfun.map.get_key(extras, 'branch') AS branch, SAFE_CAST('x' AS INT64),
                   CAST(n AS FLOAT64) / 4, CAST(n AS STRING)
                 FROM events ORDER BY client_id, submission_date LIMIT 1`),
    ).toEqual([["control", null, 0.5, "2"]])
  })

  it("keeps strings and comments untouched by the rewrite", () => {
    expect(toDuckDbSql("SELECT 'DATE_ADD(x, INTERVAL 1 DAY)', \"it's\" # note")).toEqual(
      Either.right("SELECT 'DATE_ADD(x, INTERVAL 1 DAY)', 'it''s' -- note"),
    )
    expect(toDuckDbSql("SELECT `moz-fx-data-shared-prod.telemetry.events`.x")).toEqual(
      Either.right('SELECT "moz-fx-data-shared-prod"."telemetry"."events".x'),
    )
  })

  it("names the constructs DuckDB cannot run", () => {
    expect(
      unsupportedConstructs(
        "SELECT mozfun.hist.extract(h).values, APPROX_QUANTILES(x, 100), mozfun.map.get_key(m, 'k') FROM t",
      ),
    ).toEqual([
      { construct: "mozfun.hist.extract", reason: "a BigQuery UDF with no DuckDB version here" },
      {
        construct: "APPROX_QUANTILES",
        reason: "DuckDB's approx_quantile has other arguments and results",
      },
    ])
    expect(unsupportedConstructs("SELECT 'mozfun.hist.extract(x)' -- mozfun.hist.y")).toEqual([])
  })
})
