import { Effect } from "effect"
import type { TableSchema } from "../../src/domain/table-schema.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"

/**
 * The tables and views of a DuckDB warehouse as BigQuery would type them, for checking with
 * GoogleSQL's analyser the statements a run sent: each under its bare name and `main.<name>`
 * (the DuckDB warehouse's qualified name).
 */

const scalar: Readonly<Record<string, string>> = {
  VARCHAR: "STRING",
  DOUBLE: "FLOAT64",
  FLOAT: "FLOAT64",
  BIGINT: "INT64",
  INTEGER: "INT64",
  SMALLINT: "INT64",
  TINYINT: "INT64",
  HUGEINT: "INT64",
  UBIGINT: "INT64",
  UINTEGER: "INT64",
  BOOLEAN: "BOOL",
  DATE: "DATE",
  TIMESTAMP: "TIMESTAMP",
  "TIMESTAMP WITH TIME ZONE": "TIMESTAMP",
  BLOB: "BYTES",
  JSON: "JSON",
}

/** Splits `a INT, b STRUCT(c INT, d VARCHAR)` at its top-level commas. */
const topLevel = (text: string): ReadonlyArray<string> => {
  const parts: string[] = []
  let depth = 0
  let current = ""
  for (const char of text) {
    if (char === "(") depth++
    if (char === ")") depth--
    if (char === "," && depth === 0) {
      parts.push(current.trim())
      current = ""
    } else current += char
  }
  if (current.trim() !== "") parts.push(current.trim())
  return parts
}

/** A DuckDB type as GoogleSQL spells it: `STRUCT("key" VARCHAR, "value" VARCHAR)[]` → `ARRAY<STRUCT<key STRING, value STRING>>`. */
export const bigQueryTypeOf = (duckDbType: string): string => {
  const type = duckDbType.trim()
  if (type.endsWith("[]")) return `ARRAY<${bigQueryTypeOf(type.slice(0, -2))}>`
  const struct = /^STRUCT\((.*)\)$/s.exec(type)
  if (struct !== null) {
    const fields = topLevel(struct[1] ?? "").map((field) => {
      const [, name = "", rest = ""] = /^("(?:[^"]|"")*"|\S+)\s+(.*)$/s.exec(field) ?? []
      return `${name.replace(/^"|"$/g, "").replaceAll('""', '"')} ${bigQueryTypeOf(rest)}`
    })
    return `STRUCT<${fields.join(", ")}>`
  }
  if (/^DECIMAL/.test(type)) return "NUMERIC"
  return scalar[type] ?? type
}

export const duckDbCatalog = Effect.gen(function* () {
  const warehouse = yield* Warehouse
  const result = yield* warehouse.query(
    "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' ORDER BY table_name, ordinal_position",
    "the warehouse's catalog",
  )
  const [tables = [], columns = [], types = []] = result.columns
  const byTable = new Map<string, Array<{ name: string; type: string }>>()
  tables.forEach((table, row) => {
    const list = byTable.get(String(table)) ?? []
    list.push({ name: String(columns[row]), type: bigQueryTypeOf(String(types[row])) })
    byTable.set(String(table), list)
  })
  return [...byTable].flatMap(
    ([name, columnList]): ReadonlyArray<TableSchema> => [
      { name, columns: columnList },
      { name: `main.${name}`, columns: columnList },
    ],
  )
})
