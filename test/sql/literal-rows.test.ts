import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Either } from "effect"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import { toDuckDbSql } from "../../src/sql/dialects/duckdb-compatibility.js"
import { type Cell, type ColumnSpec, literalRowsQuery } from "../../src/sql/literal-rows.js"

const columns: ReadonlyArray<ColumnSpec> = [
  { name: "name", type: "STRING" },
  { name: "value", type: "FLOAT64" },
  { name: "count", type: "INT64" },
  { name: "flag", type: "BOOL" },
  { name: "at", type: "TIMESTAMP" },
]

const duckDbTypes = ["VARCHAR", "DOUBLE", "BIGINT", "BOOLEAN", "TIMESTAMP"]

/** Strings that would end, split or change a literal written carelessly. */
const hostileStrings = [
  "it's a `name`; DROP TABLE x --",
  "back\\slash\\",
  "\\'",
  "ends in a backslash \\",
  "a\nb\r\nc\td",
  "nul\u0000 bell\u0007 nel\u0085 del\u007f",
  '(,)]>>[<<>"`',
  "ARRAY<STRUCT<a STRING>>[('x', 1)])",
  "é 漢字 🙂 \u00a0",
  "'''",
  '"""',
  "# not a comment",
  "-- nor this",
  "/* nor this */",
  "\\x41\\u0041\\n",
  "\uE0000\uE001",
  "",
]

const hostileRows: ReadonlyArray<ReadonlyArray<Cell>> = [
  ...hostileStrings.map(
    (text, index): ReadonlyArray<Cell> => [
      text,
      index % 2 === 0 ? -1.5e-300 : 0.995,
      -index,
      index % 2 === 0,
      "2026-11-25T10:00:00.000Z",
    ],
  ),
  [null, Number.NaN, null, null, null],
  [null, Number.POSITIVE_INFINITY, 7.9, false, "2026-01-02T03:04:05.678Z"],
  [null, Number.NEGATIVE_INFINITY, 2 ** 53 - 1, true, "1970-01-01T00:00:00.000Z"],
  ["numbers", 1.7976931348623157e308, -(2 ** 40), false, null],
  ["numbers", 5e-324, 0, false, null],
  ["numbers", 0.1 + 0.2, 1, false, null],
  ["numbers", -123456789.12345679, 2, false, null],
  ["numbers", 1 / 3, 3, false, null],
]

/** What DuckDB should give back: NaN and infinities were written as NULL, INT64 truncated. */
const expectedRow = (row: ReadonlyArray<Cell>): ReadonlyArray<unknown> => {
  const [name = null, value = null, count = null, flag = null, at = null] = row
  return [
    name,
    typeof value === "number" && Number.isFinite(value) ? value : null,
    typeof count === "number" ? BigInt(Math.trunc(count)) : null,
    flag,
    typeof at === "string" ? new Date(at) : null,
  ]
}

const rowsOf = (result: { readonly columns: ReadonlyArray<ReadonlyArray<unknown>> }) =>
  (result.columns[0] ?? []).map((_, row) => result.columns.map((column) => column[row]))

/** A 1,000-row statement (the most a statistics table write sends at once) of the usual cells. */
const thousandRows = Array.from(
  { length: 1_000 },
  (_, index): ReadonlyArray<Cell> => [
    `metric_${index} it's (${index})`,
    index / 7 - 50,
    index * 1_000_003,
    index % 3 === 0,
    new Date(Date.UTC(2026, 0, 1) + index * 61_000).toISOString(),
  ],
)

describe("literalRowsQuery", () => {
  it("writes BigQuery's typed array of structs, and typed NULLs for no rows", () => {
    expect(literalRowsQuery(columns.slice(0, 2), [["a'b", 2]])).toBe(
      "SELECT * FROM UNNEST(ARRAY<STRUCT<`name` STRING, `value` FLOAT64>>[\n  ('a\\'b', 2)\n])",
    )
    expect(literalRowsQuery(columns.slice(0, 1), [])).toBe(
      "SELECT CAST(NULL AS STRING) AS `name` LIMIT 0",
    )
  })

  it("writes a one-column row as STRUCT(x), since (x) is not a struct in BigQuery", () => {
    expect(literalRowsQuery(columns.slice(0, 1), [["x"], [null]])).toBe(
      "SELECT * FROM UNNEST(ARRAY<STRUCT<`name` STRING>>[\n  STRUCT('x'),\n  STRUCT(NULL)\n])",
    )
  })

  it("escapes quotes, backslashes and control characters as GoogleSQL reads them", () => {
    expect(
      literalRowsQuery([{ name: "text", type: "STRING" }], [["it's\\ a\nb\r\tc\u0000\u0085 é"]]),
    ).toBe(
      "SELECT * FROM UNNEST(ARRAY<STRUCT<`text` STRING>>[\n  STRUCT('it\\'s\\\\ a\\nb\\r\\tc\\u0000\\u0085 é')\n])",
    )
  })

  it("writes non-finite numbers as NULL, INT64 truncated, timestamps as casts", () => {
    expect(
      literalRowsQuery(columns, [
        ["x", Number.NaN, 7.9, true, "2026-11-25T10:00:00.000Z"],
        ["y", Number.NEGATIVE_INFINITY, -7.9, false, null],
      ]),
    ).toBe(
      "SELECT * FROM UNNEST(ARRAY<STRUCT<`name` STRING, `value` FLOAT64, `count` INT64, `flag` BOOL, `at` TIMESTAMP>>[\n" +
        "  ('x', NULL, 7, TRUE, CAST('2026-11-25 10:00:00.000' AS TIMESTAMP)),\n" +
        "  ('y', NULL, -7, FALSE, NULL)\n])",
    )
  })

  it("translates a 1,000-row statement for DuckDB quickly", () => {
    const sql = `INSERT INTO \`analysis.logs\`\n${literalRowsQuery(columns, thousandRows)}`
    const translate = () => Either.getOrThrow(toDuckDbSql(sql))
    translate()
    const times = Array.from({ length: 20 }, () => {
      const started = performance.now()
      translate()
      return performance.now() - started
    }).sort((a, b) => a - b)
    // Measured at 10-20 ms on a busy two-core machine, under half of what DuckDB then takes to
    // run the statement; the bound is there to catch a slip into quadratic time (250 ms once).
    expect(times[10]).toBeLessThan(100)
  })
})

layer(Warehouse.duckDb({ path: ":memory:", schema: "analysis", threads: 1 }))(
  "literal rows on the DuckDB warehouse",
  (it) => {
    it.effect(
      "round-trip hostile strings, non-finite numbers and timestamps with DuckDB's types",
      () =>
        Effect.gen(function* () {
          const warehouse = yield* Warehouse
          yield* warehouse.createTableAs("hostile", literalRowsQuery(columns, hostileRows), "rows")
          expect([...(yield* warehouse.columnTypes("hostile")).entries()]).toEqual(
            columns.map(({ name }, index) => [name, duckDbTypes[index]]),
          )
          const result = yield* warehouse.query("SELECT * FROM `hostile`", "read back")
          expect(result.columnNames).toEqual(columns.map(({ name }) => name))
          expect(rowsOf(result)).toEqual(hostileRows.map(expectedRow))
        }),
    )

    it.effect("types the columns of no rows, as CREATE TABLE IF NOT EXISTS ... AS does", () =>
      Effect.gen(function* () {
        const warehouse = yield* Warehouse
        const create = `CREATE TABLE IF NOT EXISTS \`analysis.empty_rows\` AS\n${literalRowsQuery(columns, [])}`
        yield* warehouse.query(create, "create")
        yield* warehouse.query(create, "create again: kept")
        expect([...(yield* warehouse.columnTypes("empty_rows")).entries()]).toEqual(
          columns.map(({ name }, index) => [name, duckDbTypes[index]]),
        )
        const result = yield* warehouse.query("SELECT * FROM `empty_rows`", "read back")
        expect(result.columnNames).toEqual(columns.map(({ name }) => name))
        expect(rowsOf(result)).toEqual([])
      }),
    )

    it.effect("appends with INSERT INTO, with and without a column list, 1,000 rows at once", () =>
      Effect.gen(function* () {
        const warehouse = yield* Warehouse
        yield* warehouse.createTableAs("appended", literalRowsQuery(columns, []), "create")
        yield* warehouse.query(
          `INSERT INTO \`analysis.appended\`\n${literalRowsQuery(columns, thousandRows)}`,
          "insert",
        )
        const names = columns.map(({ name }) => `\`${name}\``).join(", ")
        yield* warehouse.query(
          `INSERT INTO \`analysis.appended\` (${names})\n${literalRowsQuery(columns, hostileRows)}`,
          "insert naming columns",
        )
        const result = yield* warehouse.query("SELECT * FROM `appended`", "read back")
        expect(rowsOf(result)).toEqual([...thousandRows, ...hostileRows].map(expectedRow))
      }),
    )

    it.effect("stores a one-column row", () =>
      Effect.gen(function* () {
        const warehouse = yield* Warehouse
        const result = yield* warehouse.query(
          literalRowsQuery(columns.slice(3, 4), [[true], [null]]),
          "one column",
        )
        expect(rowsOf(result)).toEqual([[true], [null]])
      }),
    )
  },
)
