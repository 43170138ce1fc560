import { readFileSync } from "node:fs"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import {
  decodeBigQuerySchemas,
  formatSqlType,
  parseBigQuerySchemas,
  parseSqlType,
  type TableSchema,
} from "../../src/domain/table-schema.js"

const tables = (input: unknown): ReadonlyArray<TableSchema> =>
  Either.getOrThrow(decodeBigQuerySchemas(input))

const problem = (input: unknown) => {
  const result = decodeBigQuerySchemas(input)
  if (Either.isRight(result)) throw new Error("expected the schemas to be refused")
  return result.left
}

describe("GoogleSQL type strings", () => {
  it.each([
    ["STRING", "STRING"],
    ["int64", "INT64"],
    ["INTEGER", "INT64"],
    ["DECIMAL(10, 2)", "NUMERIC"],
    ["STRING(10)", "STRING"],
    ["ARRAY<STRUCT<key STRING, value INT64>>", "ARRAY<STRUCT<key STRING, value INT64>>"],
    ["array < struct < key string , value int64 > >", "ARRAY<STRUCT<key STRING, value INT64>>"],
    [
      "STRUCT<`range` ARRAY<INT64>, `my field` JSON>",
      "STRUCT<`range` ARRAY<INT64>, `my field` JSON>",
    ],
    ["STRUCT<INT64, b STRUCT<>>", "STRUCT<INT64, b STRUCT<>>"],
    ["STRUCT<a ARRAY<STRUCT<b STRUCT<c DATE>>>>", "STRUCT<a ARRAY<STRUCT<b STRUCT<c DATE>>>>"],
    ["RANGE<TIMESTAMP>", "RANGE<TIMESTAMP>"],
  ])("reads %s as %s", (text, canonical) => {
    expect(formatSqlType(Either.getOrThrow(parseSqlType(text)))).toBe(canonical)
  })

  it.each([
    ["STRNG", "unknown type STRNG"],
    ["ARRAY<ARRAY<INT64>>", "an ARRAY cannot hold an ARRAY"],
    ["ARRAY<INT64", 'expected ">"'],
    ["STRUCT<a INT64,>", "expected a type"],
    ["INT64 INT64", "after the type"],
    ["RANGE<INT64>", "RANGE holds"],
    ["STRUCT<`a INT64>", "unterminated"],
  ])("refuses %s, saying why", (text, reason) => {
    const result = parseSqlType(text)
    expect(Either.isLeft(result) && result.left).toContain(reason)
    expect(Either.isLeft(result) && result.left).toContain(JSON.stringify(text))
  })
})

describe("schemas from bq show --schema --format=json", () => {
  it("map legacy names, RECORD and REPEATED to GoogleSQL types", () => {
    const decoded = tables({
      "moz-fx-data-shared-prod.telemetry.events": [
        { name: "client_id", type: "STRING", mode: "NULLABLE", description: "ignored" },
        { name: "sample_id", type: "INTEGER" },
        { name: "score", type: "FLOAT", mode: "REQUIRED" },
        { name: "is_default", type: "BOOLEAN" },
        { name: "amount", type: "NUMERIC", precision: "10" },
        { name: "when", type: "TIMESTAMP" },
        { name: "extra", type: "JSON" },
        { name: "days", type: "DATE", mode: "REPEATED" },
        {
          name: "event_map_values",
          type: "RECORD",
          mode: "REPEATED",
          fields: [
            { name: "key", type: "STRING" },
            { name: "value", type: "INT64" },
          ],
        },
        {
          name: "ping_info",
          type: "STRUCT",
          fields: [
            {
              name: "experiments",
              type: "RECORD",
              mode: "REPEATED",
              fields: [
                { name: "key", type: "STRING" },
                { name: "value", type: "RECORD", fields: [{ name: "branch", type: "STRING" }] },
              ],
            },
            { name: "range", type: "RANGE", rangeElementType: { type: "DATE" } },
          ],
        },
      ],
      clients_daily: [{ name: "client_id", type: "string", mode: "nullable" }],
    })
    expect(decoded).toEqual([
      {
        name: "moz-fx-data-shared-prod.telemetry.events",
        columns: [
          { name: "client_id", type: "STRING" },
          { name: "sample_id", type: "INT64" },
          { name: "score", type: "FLOAT64" },
          { name: "is_default", type: "BOOL" },
          { name: "amount", type: "NUMERIC" },
          { name: "when", type: "TIMESTAMP" },
          { name: "extra", type: "JSON" },
          { name: "days", type: "ARRAY<DATE>" },
          { name: "event_map_values", type: "ARRAY<STRUCT<key STRING, value INT64>>" },
          {
            name: "ping_info",
            type: "STRUCT<experiments ARRAY<STRUCT<key STRING, value STRUCT<branch STRING>>>, `range` RANGE<DATE>>",
          },
        ],
      },
      { name: "clients_daily", columns: [{ name: "client_id", type: "STRING" }] },
    ])
  })

  it("writes types that read back to the same type", () => {
    for (const table of tables(
      JSON.parse(
        readFileSync(
          new URL("../fixtures/bigquery-schemas/telemetry.json", import.meta.url),
          "utf8",
        ),
      ),
    )) {
      for (const column of table.columns) {
        expect(formatSqlType(Either.getOrThrow(parseSqlType(column.type)))).toBe(column.type)
      }
    }
  })

  it.each([
    [
      "an unknown type, naming the table and the field's path",
      { "p.d.t": [{ name: "a", type: "RECORD", fields: [{ name: "b", type: "STRIN" }] }] },
      { table: "p.d.t", field: "a.b", message: 'p.d.t: field a.b: unknown type "STRIN"' },
    ],
    [
      "a field without a type",
      { t: [{ name: "ok", type: "STRING" }, { name: "broken" }] },
      { table: "t", field: "broken" },
    ],
    [
      "a field without a name, by its position",
      { t: [{ name: "s", type: "RECORD", fields: [{ type: "STRING" }] }] },
      { table: "t", field: "s.#1" },
    ],
    [
      "an unknown mode",
      { t: [{ name: "a", type: "STRING", mode: "OPTIONAL" }] },
      {
        table: "t",
        field: "a",
        message: 't: field a: unknown mode "OPTIONAL" (NULLABLE, REQUIRED or REPEATED)',
      },
    ],
    [
      "a RECORD without fields",
      { t: [{ name: "a", type: "RECORD" }] },
      { table: "t", field: "a", message: 't: field a: a RECORD needs "fields"' },
    ],
    [
      "a name used twice",
      {
        t: [
          { name: "a", type: "STRING" },
          { name: "A", type: "INT64" },
        ],
      },
      { table: "t", field: "A", message: "t: field A: the name is used twice" },
    ],
    [
      "a table with no fields",
      { t: [] },
      { table: "t", field: "", message: "t: the table has no fields" },
    ],
    ["a file that is not an object of lists", [1, 2], { table: "", field: "" }],
  ])("refuse %s", (_, input, expected) => {
    const error = problem(input)
    expect(error._tag).toBe("TableSchemaError")
    expect(error).toMatchObject(expected)
  })

  it("refuse text that is not JSON", () => {
    const result = parseBigQuerySchemas("{ not json")
    expect(Either.isLeft(result) && result.left.message).toContain("not JSON")
  })
})
