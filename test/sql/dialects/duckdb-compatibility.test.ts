import { DuckDBInstance } from "@duckdb/node-api"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { scanBigQuerySql } from "../../../src/sql/dialects/bigquery-literals.js"
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

/** The translation's text, or what stops it. */
const translated = (sql: string) =>
  Either.match(toDuckDbSql(sql), {
    onLeft: (constructs) => `refused: ${constructs.map(({ reason }) => reason).join("; ")}`,
    onRight: (text) => text,
  })

describe("BigQuery's typed arrays of structs on DuckDB", () => {
  it("reads UNNEST(ARRAY<STRUCT<...>>[...]) as VALUES with each column cast and named", () => {
    expect(
      translated(
        "SELECT * FROM UNNEST(ARRAY<STRUCT<`name` STRING, `value` FLOAT64, n INT64, `flag` BOOL, `at` TIMESTAMP>>[\n" +
          "  ('a\\'b', 2, -3, TRUE, CAST('2026-11-25 10:00:00.000' AS TIMESTAMP)),\n" +
          "  (NULL, -0.995, NULL, NULL, NULL),\n" +
          "  ('c', 1e+300, 9007199254740991, FALSE, NULL)\n])",
      ),
    ).toBe(
      'SELECT * FROM (SELECT CAST(c0 AS VARCHAR) AS "name", CAST(c1 AS DOUBLE) AS "value", CAST(c2 AS BIGINT) AS "n", CAST(c3 AS BOOLEAN) AS "flag", CAST(c4 AS TIMESTAMP) AS "at" FROM (VALUES\n' +
        "  ('a''b', 2e0, -3, TRUE, CAST('2026-11-25 10:00:00.000' AS TIMESTAMP)),\n" +
        "  (NULL, -0.995e0, NULL, NULL, NULL),\n" +
        "  ('c', 1e+300, 9007199254740991, FALSE, NULL)\n" +
        ") AS v(c0, c1, c2, c3, c4))",
    )
  })

  it("reads one-column rows written STRUCT(x), an empty array, and the forms around them", () => {
    expect(
      translated(
        "INSERT INTO `analysis.logs` (`text`)\nSELECT * FROM UNNEST(ARRAY<STRUCT<`text` STRING>>[STRUCT('x'), struct (NULL)])",
      ),
    ).toBe(
      'INSERT INTO "analysis"."logs" ("text")\nSELECT * FROM (SELECT CAST(c0 AS VARCHAR) AS "text" FROM (VALUES\n  (\'x\'),\n  (NULL)\n) AS v(c0))',
    )
    expect(translated("SELECT * FROM UNNEST(ARRAY<STRUCT<`a` STRING, `b` BOOL>>[ ]) AS t")).toBe(
      'SELECT * FROM (SELECT CAST(NULL AS VARCHAR) AS "a", CAST(NULL AS BOOLEAN) AS "b" LIMIT 0) AS t',
    )
    expect(
      translated(
        "CREATE TABLE IF NOT EXISTS `analysis.logs` AS\nSELECT CAST(NULL AS STRING) AS `a`, CAST(NULL AS FLOAT64) AS `b` LIMIT 0",
      ),
    ).toBe(
      'CREATE TABLE IF NOT EXISTS "analysis"."logs" AS\nSELECT CAST(NULL AS STRING) AS "a", CAST(NULL AS DOUBLE) AS "b" LIMIT 0',
    )
  })

  it("leaves what is inside strings alone: parentheses, commas, ]), >> and quotes", () => {
    expect(
      translated(
        "SELECT * FROM UNNEST(ARRAY<STRUCT<`s` STRING, `t` STRING>>[('(,)]>>[', ')])'), (\"it's\", '\\\\')])",
      ),
    ).toBe(
      'SELECT * FROM (SELECT CAST(c0 AS VARCHAR) AS "s", CAST(c1 AS VARCHAR) AS "t" FROM (VALUES\n' +
        "  ('(,)]>>[', ')])'),\n  ('it''s', '\\')\n) AS v(c0, c1))",
    )
  })

  it("refuses a struct array it cannot read, saying why", () => {
    expect(translated("SELECT * FROM UNNEST(ARRAY<STRUCT<a STRING, b INT64>>[('x')])")).toBe(
      "refused: a row must have 2 values",
    )
    expect(translated("SELECT * FROM UNNEST(ARRAY<STRUCT<a ARRAY<INT64>>>[STRUCT([1])])")).toBe(
      "refused: only STRUCTs of scalar fields are translated",
    )
    expect(translated("SELECT * FROM UNNEST(ARRAY<STRUCT<a GEOGRAPHY>>[STRUCT(NULL)])")).toBe(
      'refused: the field "a GEOGRAPHY" is not a name and a type',
    )
  })

  it("keeps every FLOAT64 cell the same double (a bare 0.995 would be a DECIMAL)", async () => {
    const doubles = [0.995, 0.1 + 0.2, 1 / 3, -123456789.12345679, 5e-324, 1.7976931348623157e308]
    const rows = doubles.map((value) => `STRUCT(${value})`).join(", ")
    const [row] = await run(`SELECT LIST(v) FROM UNNEST(ARRAY<STRUCT<v FLOAT64>>[${rows}])`)
    expect(row?.[0]).toEqual(doubles)
  })
})

describe("BigQuery casts and strings on DuckDB", () => {
  it("casts to STRING, FLOAT64, INT64 and BOOL with DuckDB's VARCHAR, DOUBLE, BIGINT, BOOLEAN", async () => {
    expect(
      await run(`SELECT typeof(CAST(1 AS STRING)), typeof(CAST('1.5' AS FLOAT64)), typeof(CAST('2' AS INT64)),
                   typeof(CAST('true' AS BOOL)), typeof(SAFE_CAST('x' AS FLOAT64)), SAFE_CAST('x' AS BOOL)`),
    ).toEqual([["VARCHAR", "DOUBLE", "BIGINT", "BOOLEAN", "DOUBLE", null]])
  })

  it("leaves an alias named like a type alone", async () => {
    expect(await run("SELECT 'x' AS string, 2 AS int64")).toEqual([["x", 2]])
  })

  it("decodes GoogleSQL escapes and keeps NUL characters", async () => {
    expect(
      await run(
        "SELECT 'a\\nb\\tc', \"it\\'s \\\"q\\\"\", '\\x41\\u00e9\\U0001F642\\101', '''x\ny''', 'nul\\u0000!', '\\d'",
      ),
    ).toEqual([["a\nb\tc", 'it\'s "q"', "Aé🙂A", "x\ny", "nul\u0000!", "\\d"]])
  })

  it("reads a raw string's backslashes as characters", () => {
    expect(scanBigQuerySql("SELECT r'a\\nb\\'', R\"\\_\", 'a\\nb'").literals).toEqual([
      { kind: "string", text: "a\\nb\\'" },
      { kind: "string", text: "\\_" },
      { kind: "string", text: "a\nb" },
    ])
  })
})
