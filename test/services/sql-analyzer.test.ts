import { describe, expect, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import type { TableSchema } from "../../src/domain/table-schema.js"
import { notInstalledMessage } from "../../src/services/sql-analyzer/error.js"
import {
  mozfunFunctions,
  SqlAnalyzer,
  type SqlCheck,
  type SqlFunction,
} from "../../src/services/sql-analyzer.js"

const clientsDaily: TableSchema = {
  name: "mozdata.telemetry.clients_daily",
  columns: [
    { name: "client_id", type: "STRING" },
    { name: "submission_date", type: "DATE" },
    { name: "active_hours_sum", type: "FLOAT64" },
    { name: "search_count", type: "INT64" },
    { name: "experiments", type: "ARRAY<STRUCT<key STRING, value STRING>>" },
  ],
}

const events: TableSchema = {
  name: "moz-fx-data-shared-prod.telemetry.events",
  columns: [
    { name: "client_id", type: "STRING" },
    { name: "submission_date", type: "DATE" },
    { name: "event_category", type: "STRING" },
    { name: "event_map_values", type: "ARRAY<STRUCT<key STRING, value STRING>>" },
    {
      name: "ping_info",
      type: "STRUCT<experiments ARRAY<STRUCT<key STRING, value STRUCT<branch STRING, extra STRUCT<type STRING>>>>>",
    },
  ],
}

const everyType: TableSchema = {
  name: "every_type",
  columns: [
    { name: "s", type: "STRING" },
    { name: "i", type: "INT64" },
    { name: "f", type: "FLOAT64" },
    { name: "n", type: "NUMERIC" },
    { name: "big", type: "BIGNUMERIC" },
    { name: "b", type: "BOOL" },
    { name: "d", type: "DATE" },
    { name: "ts", type: "TIMESTAMP" },
    { name: "dt", type: "DATETIME" },
    { name: "t", type: "TIME" },
    { name: "by", type: "BYTES" },
    { name: "j", type: "JSON" },
    { name: "g", type: "GEOGRAPHY" },
    { name: "iv", type: "INTERVAL" },
    { name: "arr", type: "ARRAY<INT64>" },
    { name: "map", type: "ARRAY<STRUCT<key STRING, value INT64>>" },
    { name: "nested", type: "STRUCT<a STRUCT<b ARRAY<STRUCT<c DATE>>>, `range` RANGE<DATE>>" },
  ],
}

const bare: TableSchema = {
  name: "enrollments_my_experiment",
  columns: [
    { name: "analysis_id", type: "STRING" },
    { name: "branch", type: "STRING" },
    { name: "enrollment_date", type: "DATE" },
  ],
}

const datasetTable: TableSchema = {
  name: "telemetry.main",
  columns: [{ name: "client_id", type: "STRING" }],
}

const catalog: ReadonlyArray<TableSchema> = [clientsDaily, events, everyType, bare, datasetTable]

const udfs: ReadonlyArray<SqlFunction> = [
  ...mozfunFunctions,
  {
    name: "udf.normalize_search_engine",
    arguments: [{ name: "engine", type: "STRING" }],
    returns: "STRING",
  },
  { name: "udf.anything_to_int", arguments: [{ name: "x", type: "ANY TYPE" }], returns: "INT64" },
]

const valid = (check: SqlCheck) => {
  expect(check).toMatchObject({ _tag: "Valid" })
  return check._tag === "Valid" ? check.outputColumns : []
}

const invalid = (check: SqlCheck) => {
  expect(check._tag).toBe("Invalid")
  return check._tag === "Invalid" ? check : { message: "", line: undefined, column: undefined }
}

describe("SqlAnalyzer", () => {
  it("says how to install the package when it is missing", () => {
    const message = notInstalledMessage("@fivetrandevelopers/zetasql is not installed")
    expect(message).toContain("npm install --no-save @fivetrandevelopers/zetasql@1.13.0")
    expect(message).toContain("validate-config --dry-run")
  })
})

layer(SqlAnalyzer.zetaSql({ functions: udfs }), { timeout: 60_000 })(
  "SqlAnalyzer on ZetaSQL",
  (it) => {
    describe("parse", () => {
      it.effect.each([
        "SELECT DATE_ADD(d, INTERVAL 1 DAY) FROM t",
        "SELECT COUNTIF(x > 1) AS n FROM t",
        "SELECT * EXCEPT (a, b) FROM t",
        "SELECT e.key FROM t CROSS JOIN UNNEST(t.m) AS e",
        "CREATE OR REPLACE TABLE ds.x AS SELECT 1 AS a",
        "SELECT 'it\\'s'",
      ])("accepts %s", (sql) =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          expect(valid(yield* analyzer.parse(sql))).toEqual([])
        }),
      )

      it.effect("rejects a quote doubled inside a string, saying where", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          const check = invalid(yield* analyzer.parse("SELECT\n  'it''s' AS x"))
          expect(check.message).toContain("Syntax error")
          expect([check.line, check.column]).toEqual([2, 7])
        }),
      )

      it.effect("does not resolve names", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          valid(yield* analyzer.parse("SELECT no_such_column FROM no_such_table"))
        }),
      )
    })

    describe("analyze", () => {
      it.effect("rejects an unknown column, naming it and where it is", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          const check = invalid(
            yield* analyzer.analyze(
              "SELECT client_id, nope FROM mozdata.telemetry.clients_daily",
              catalog,
            ),
          )
          expect(check.message).toBe("Unrecognized name: nope")
          expect([check.line, check.column]).toEqual([1, 19])
        }),
      )

      it.effect("rejects an unknown table", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          const check = invalid(
            yield* analyzer.analyze("SELECT 1 FROM mozdata.telemetry.nowhere", catalog),
          )
          expect(check.message).toContain("Table not found: mozdata.telemetry.nowhere")
        }),
      )

      it.effect("rejects CAST(TRUE AS FLOAT64), in BigQuery's type names", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          const check = invalid(yield* analyzer.analyze("SELECT CAST(TRUE AS FLOAT64)", catalog))
          expect(check.message).toBe("Invalid cast from BOOL to FLOAT64")
        }),
      )

      it.effect.each([
        "SELECT analysis_id, client_id FROM enrollments_my_experiment JOIN telemetry.main ON client_id = analysis_id",
        "SELECT analysis_id FROM `enrollments_my_experiment`",
        "SELECT client_id FROM telemetry.main",
        "SELECT client_id FROM `telemetry.main`",
        "SELECT client_id FROM `telemetry`.`main`",
        "SELECT client_id FROM mozdata.telemetry.clients_daily",
        "SELECT client_id FROM `mozdata.telemetry.clients_daily`",
        "SELECT client_id FROM `mozdata`.telemetry.`clients_daily`",
        "SELECT client_id FROM `mozdata.telemetry`.clients_daily",
        "SELECT client_id FROM `moz-fx-data-shared-prod.telemetry.events`",
        "SELECT client_id FROM `moz-fx-data-shared-prod`.telemetry.events",
        "SELECT e.client_id FROM `moz-fx-data-shared-prod`.`telemetry`.`events` AS e",
        "SELECT client_id FROM MOZDATA.Telemetry.Clients_Daily",
      ])("resolves the table in %s", (sql) =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          expect(valid(yield* analyzer.analyze(sql, catalog)).length).toBeGreaterThan(0)
        }),
      )

      it.effect("does not guess a project or dataset the query left out", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          const partial = yield* analyzer.analyze(
            "SELECT client_id FROM telemetry.clients_daily",
            catalog,
          )
          expect(invalid(partial).message).toContain("Table not found")
        }),
      )

      it.effect("types every BigQuery column type, nested ones too", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          const columns = valid(yield* analyzer.analyze("SELECT * FROM every_type", catalog))
          expect(columns).toEqual(everyType.columns)
        }),
      )

      it.effect("gives the output columns of a query", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          const sql = `WITH daily AS (
  SELECT client_id, SUM(active_hours_sum) AS hours, COUNTIF(search_count > 0) AS days_searched
  FROM mozdata.telemetry.clients_daily
  WHERE submission_date BETWEEN DATE '2024-03-01' AND DATE_ADD(DATE '2024-03-01', INTERVAL 6 DAY)
  GROUP BY client_id
)
SELECT * EXCEPT (days_searched), SAFE_DIVIDE(hours, days_searched) AS ratio FROM daily`
          expect(valid(yield* analyzer.analyze(sql, catalog))).toEqual([
            { name: "client_id", type: "STRING" },
            { name: "hours", type: "FLOAT64" },
            { name: "ratio", type: "FLOAT64" },
          ])
        }),
      )

      it.effect("gives the output columns of CREATE TABLE ... AS", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          const sql = `CREATE OR REPLACE TABLE analysis.enrollments_x AS
SELECT client_id AS analysis_id, MIN(submission_date) AS enrollment_date, COUNT(*) AS events
FROM \`moz-fx-data-shared-prod.telemetry.events\`
GROUP BY 1`
          expect(valid(yield* analyzer.analyze(sql, catalog))).toEqual([
            { name: "analysis_id", type: "STRING" },
            { name: "enrollment_date", type: "DATE" },
            { name: "events", type: "INT64" },
          ])
        }),
      )

      it.effect.each([
        "CREATE TABLE IF NOT EXISTS analysis.logs AS SELECT CURRENT_TIMESTAMP() AS logged_at, 'x' AS message",
        "CREATE OR REPLACE VIEW analysis.v AS SELECT analysis_id, branch FROM enrollments_my_experiment",
        "INSERT INTO enrollments_my_experiment SELECT 'a', 'control', DATE '2024-03-01'",
        "INSERT INTO enrollments_my_experiment (analysis_id, branch) SELECT client_id, 'treatment' FROM telemetry.main",
        "DELETE FROM enrollments_my_experiment WHERE enrollment_date < DATE '2024-01-01'",
        "DROP TABLE IF EXISTS analysis.enrollments_x",
      ])("accepts %s", (sql) =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          valid(yield* analyzer.analyze(sql, catalog))
        }),
      )

      it.effect("checks what INSERT writes against the table", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          const check = yield* analyzer.analyze(
            "INSERT INTO enrollments_my_experiment (analysis_id, enrollment_date) SELECT 'a', 'not a date'",
            catalog,
          )
          expect(invalid(check).message).toContain("enrollment_date")
        }),
      )

      it.effect("types mozfun.map.get_key from the map it is given", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          const sql = `SELECT
  mozfun.map.get_key(e.event_map_values, 'branch') AS branch,
  mozfun.map.get_key(e.ping_info.experiments, 'my-experiment').branch AS glean_branch,
  mozfun.map.get_key(t.map, 'k') + 1 AS n
FROM \`moz-fx-data-shared-prod.telemetry.events\` e CROSS JOIN every_type t`
          expect(valid(yield* analyzer.analyze(sql, catalog))).toEqual([
            { name: "branch", type: "STRING" },
            { name: "glean_branch", type: "STRING" },
            { name: "n", type: "INT64" },
          ])
          const wrongKey = yield* analyzer.analyze(
            "SELECT mozfun.map.get_key(experiments, 1) FROM mozdata.telemetry.clients_daily",
            catalog,
          )
          expect(invalid(wrongKey).message).toContain("STRING, INT64")
        }),
      )

      it.effect("checks calls of declared UDFs, and rejects undeclared functions", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          const ok = yield* analyzer.analyze(
            "SELECT udf.normalize_search_engine(s) AS engine, udf.anything_to_int(j) AS n FROM every_type",
            catalog,
          )
          expect(valid(ok)).toEqual([
            { name: "engine", type: "STRING" },
            { name: "n", type: "INT64" },
          ])
          const wrongType = yield* analyzer.analyze(
            "SELECT udf.normalize_search_engine(i) FROM every_type",
            catalog,
          )
          expect(invalid(wrongType).message).toContain("udf.normalize_search_engine")
          const unknown = yield* analyzer.analyze(
            "SELECT mozfun.hist.extract(s) FROM every_type",
            catalog,
          )
          expect(invalid(unknown).message).toContain("Function not found: mozfun.hist")
        }),
      )

      it.effect("reuses a catalog with the same tables given in a new array", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          const copy = catalog.map((table) => ({ ...table, columns: [...table.columns] }))
          valid(yield* analyzer.analyze("SELECT client_id FROM telemetry.main", copy))
          const other = yield* analyzer.analyze("SELECT client_id FROM telemetry.main", [bare])
          expect(invalid(other).message).toContain("Table not found")
        }),
      )

      it.effect(
        "fails with SqlAnalyzerError on a catalog it cannot declare, and keeps working",
        () =>
          Effect.gen(function* () {
            const analyzer = yield* SqlAnalyzer
            const badType = yield* Effect.flip(
              analyzer.analyze("SELECT 1", [
                { name: "t", columns: [{ name: "c", type: "STRNG" }] },
              ]),
            )
            expect(badType._tag).toBe("SqlAnalyzerError")
            expect(badType.message).toContain("table t, column c")
            const twice = yield* Effect.flip(analyzer.analyze("SELECT 1", [bare, bare]))
            expect(twice.message).toContain("declared twice")
            valid(yield* analyzer.analyze("SELECT 1 AS one", catalog))
          }),
      )

      it.effect("keeps working through more catalogs than it keeps registered", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          const catalogs = Array.from({ length: 24 }, (_, i) => [
            { name: `grown.table_${i}`, columns: [{ name: `c${i}`, type: "INT64" }] },
          ])
          const rounds = [...catalogs, ...catalogs.slice(0, 4)]
          const checks = yield* Effect.forEach(
            rounds,
            (tables, i) => analyzer.analyze(`SELECT c${i % 24} FROM grown.table_${i % 24}`, tables),
            { concurrency: 6 },
          )
          expect(checks.map((check) => check._tag)).toEqual(rounds.map(() => "Valid"))
        }),
      )

      it.effect("runs many statements at once", () =>
        Effect.gen(function* () {
          const analyzer = yield* SqlAnalyzer
          const checks = yield* Effect.forEach(
            Array.from({ length: 40 }, (_, i) => `SELECT client_id, ${i} AS i FROM telemetry.main`),
            (sql) => analyzer.analyze(sql, catalog),
            { concurrency: 8 },
          )
          expect(checks.every((check) => check._tag === "Valid")).toBe(true)
        }),
      )
    })
  },
)
