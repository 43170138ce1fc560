import type { FunctionArgumentTypeProto } from "@fivetrandevelopers/zetasql/lib/types/zetasql/FunctionArgumentTypeProto.js"
import type { FunctionProto } from "@fivetrandevelopers/zetasql/lib/types/zetasql/FunctionProto.js"
import type { LanguageOptionsProto } from "@fivetrandevelopers/zetasql/lib/types/zetasql/LanguageOptionsProto.js"
import type { SimpleCatalogProto } from "@fivetrandevelopers/zetasql/lib/types/zetasql/SimpleCatalogProto.js"
import type { SimpleColumnProto } from "@fivetrandevelopers/zetasql/lib/types/zetasql/SimpleColumnProto.js"
import type { SimpleTableProto } from "@fivetrandevelopers/zetasql/lib/types/zetasql/SimpleTableProto.js"
import type { TypeKind } from "@fivetrandevelopers/zetasql/lib/types/zetasql/TypeKind.js"
import type { TypeProto } from "@fivetrandevelopers/zetasql/lib/types/zetasql/TypeProto.js"
import { Either } from "effect"
import {
  parseSqlType,
  type ScalarTypeName,
  type SqlType,
  type TableSchema,
} from "../../domain/table-schema.js"
import type { SqlFunction } from "./functions.js"

/*
 * Pure translation between Slipstream's catalog (tables with GoogleSQL type strings,
 * declared functions) and ZetaSQL's protos. Everything sent is checked here first: the
 * server aborts (a failed CHECK, not an error) on some malformed catalogs, such as a
 * function signature it finds invalid, and says less than these messages otherwise.
 */

const scalarKinds: Readonly<Record<ScalarTypeName, TypeKind>> = {
  STRING: "TYPE_STRING",
  BYTES: "TYPE_BYTES",
  INT64: "TYPE_INT64",
  FLOAT64: "TYPE_DOUBLE",
  NUMERIC: "TYPE_NUMERIC",
  BIGNUMERIC: "TYPE_BIGNUMERIC",
  BOOL: "TYPE_BOOL",
  DATE: "TYPE_DATE",
  DATETIME: "TYPE_DATETIME",
  TIME: "TYPE_TIME",
  TIMESTAMP: "TYPE_TIMESTAMP",
  GEOGRAPHY: "TYPE_GEOGRAPHY",
  JSON: "TYPE_JSON",
  INTERVAL: "TYPE_INTERVAL",
}

export const typeProto = (type: SqlType): TypeProto => {
  switch (type._tag) {
    case "Scalar":
      return { typeKind: scalarKinds[type.name] }
    case "Array":
      return { typeKind: "TYPE_ARRAY", arrayType: { elementType: typeProto(type.element) } }
    case "Range":
      return { typeKind: "TYPE_RANGE", rangeType: { elementType: typeProto(type.element) } }
    case "Struct":
      return {
        typeKind: "TYPE_STRUCT",
        structType: {
          field: type.fields.map((field) => ({
            fieldName: field.name,
            fieldType: typeProto(field.type),
          })),
        },
      }
  }
}

/** A dotted path as its parts: backticks only quote, and BigQuery splits quoted dots too. */
const pathParts = (name: string): ReadonlyArray<string> => name.replaceAll("`", "").split(".")

/**
 * Every way to group a path's parts into identifiers: BigQuery reads `a.b`.c, a.`b.c`,
 * `a.b.c` and a.b.c as the same table, while ZetaSQL looks each identifier up as one name,
 * so the table is put under each grouping (4 for project.dataset.table).
 */
export const groupings = (parts: ReadonlyArray<string>): ReadonlyArray<ReadonlyArray<string>> => {
  const [first, ...rest] = parts
  if (first === undefined) return []
  if (rest.length === 0) return [[first]]
  return groupings(rest).flatMap(([head, ...tail]) => [
    [first, head ?? "", ...tail],
    [`${first}.${head ?? ""}`, ...tail],
  ])
}

interface CatalogNode {
  readonly name: string
  readonly catalogs: Map<string, CatalogNode>
  readonly tables: Map<string, SimpleTableProto>
  readonly functions: Map<string, FunctionProto>
}

const node = (name: string): CatalogNode => ({
  name,
  catalogs: new Map(),
  tables: new Map(),
  functions: new Map(),
})

/** The catalog at `path` under `root`, made as needed (ZetaSQL compares names case-insensitively). */
const catalogAt = (root: CatalogNode, path: ReadonlyArray<string>): CatalogNode =>
  path.reduce((parent, name) => {
    const key = name.toLowerCase()
    const existing = parent.catalogs.get(key)
    if (existing !== undefined) return existing
    const created = node(name)
    parent.catalogs.set(key, created)
    return created
  }, root)

const toProto = (catalog: CatalogNode): SimpleCatalogProto => ({
  name: catalog.name,
  table: [...catalog.tables.values()],
  customFunction: [...catalog.functions.values()],
  catalog: [...catalog.catalogs.values()].map(toProto),
})

const columnsOf = (table: TableSchema): Either.Either<Array<SimpleColumnProto>, string> =>
  Either.gen(function* () {
    const seen = new Set<string>()
    const columns: Array<SimpleColumnProto> = []
    for (const column of table.columns) {
      if (column.name === "") return yield* Either.left(`table ${table.name}: a column has no name`)
      const key = column.name.toLowerCase()
      if (seen.has(key)) {
        return yield* Either.left(`table ${table.name}: column ${column.name} is declared twice`)
      }
      seen.add(key)
      const type = yield* Either.mapLeft(
        parseSqlType(column.type),
        (reason) => `table ${table.name}, column ${column.name}: ${reason}`,
      )
      columns.push({ name: column.name, type: typeProto(type) })
    }
    return columns
  })

const anyType = /^\s*ANY\s+TYPE\s*$/i

const argumentType = (
  fn: SqlFunction,
  type: string,
  name?: string,
): Either.Either<FunctionArgumentTypeProto, string> => {
  const options = {
    cardinality: "REQUIRED" as const,
    ...(name === undefined ? {} : { argumentName: name }),
  }
  if (anyType.test(type))
    return Either.right({ kind: "ARG_TYPE_ARBITRARY", numOccurrences: 1, options })
  return Either.map(
    Either.mapLeft(parseSqlType(type), (reason) => `function ${fn.name}: ${reason}`),
    (parsed) => ({ kind: "ARG_TYPE_FIXED", type: typeProto(parsed), numOccurrences: 1, options }),
  )
}

const functionProto = (fn: SqlFunction): Either.Either<FunctionProto, string> =>
  Either.gen(function* () {
    const namePath = pathParts(fn.name)
    if (namePath.length < 2 || namePath.some((part) => part === "")) {
      // A one-part name sits beside the built-in functions: one that clashes aborts the server.
      return yield* Either.left(
        `function ${fn.name}: name it with its dataset, e.g. udf.${fn.name}`,
      )
    }
    const argument: Array<FunctionArgumentTypeProto> = []
    for (const arg of fn.arguments) argument.push(yield* argumentType(fn, arg.type, arg.name))
    if (fn.body === undefined && fn.returns === undefined) {
      return yield* Either.left(`function ${fn.name}: give its body, its return type, or both`)
    }
    const returnType =
      fn.returns === undefined || anyType.test(fn.returns)
        ? ({ kind: "ARG_TYPE_ARBITRARY", numOccurrences: 1 } as const)
        : yield* argumentType(fn, fn.returns)
    if (fn.body === undefined && returnType.kind === "ARG_TYPE_ARBITRARY") {
      return yield* Either.left(
        `function ${fn.name}: without a body, the return type must be a type`,
      )
    }
    const common = {
      namePath: [...namePath],
      mode: "SCALAR" as const,
      signature: [{ argument, returnType, contextId: 0 }],
      options: { usesUpperCaseSqlName: false },
    }
    return fn.body === undefined
      ? { ...common, group: "UDF" }
      : {
          ...common,
          // The group under which ZetaSQL deserializes a function that it types per call from its body.
          group: "Templated_SQL_Function",
          parseResumeLocation: { input: fn.body, bytePosition: 0 },
          templatedSqlFunctionArgumentName: fn.arguments.map((arg) => arg.name),
        }
  })

/**
 * The catalog to register: each table under every grouping of its path, each function in
 * the catalog of its dataset, the built-in functions of `languageOptions`. Left: why the
 * tables or functions cannot be declared.
 */
export const buildCatalog = (
  tables: ReadonlyArray<TableSchema>,
  functions: ReadonlyArray<SqlFunction>,
  languageOptions: LanguageOptionsProto,
): Either.Either<SimpleCatalogProto, string> =>
  Either.gen(function* () {
    const root = node("")
    for (const table of tables) {
      const parts = pathParts(table.name)
      if (parts.some((part) => part === "")) {
        return yield* Either.left(
          `table ${JSON.stringify(table.name)}: a part of the name is empty`,
        )
      }
      const column = yield* columnsOf(table)
      for (const grouping of groupings(parts)) {
        const name = grouping[grouping.length - 1] ?? ""
        const parent = catalogAt(root, grouping.slice(0, -1))
        if (parent.tables.has(name.toLowerCase())) {
          return yield* Either.left(`table ${table.name} is declared twice`)
        }
        parent.tables.set(name.toLowerCase(), { name, fullName: parts.join("."), column })
      }
    }
    for (const fn of functions) {
      const proto = yield* functionProto(fn)
      const path = proto.namePath ?? []
      const name = path[path.length - 1] ?? ""
      const parent = catalogAt(root, path.slice(0, -1))
      if (parent.functions.has(name.toLowerCase())) {
        return yield* Either.left(`function ${fn.name} is declared twice`)
      }
      parent.functions.set(name.toLowerCase(), proto)
    }
    return { ...toProto(root), builtinFunctionOptions: { languageOptions } }
  })

/** Equal for catalogs with the same tables, columns and types, in the same order. */
export const catalogKey = (tables: ReadonlyArray<TableSchema>): string =>
  JSON.stringify(tables.map((table) => [table.name, table.columns.map((c) => [c.name, c.type])]))
