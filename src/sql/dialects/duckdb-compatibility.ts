import { Either } from "effect"
import {
  callArguments,
  type Literal,
  restoreLiterals,
  scanBigQuerySql,
} from "./bigquery-literals.js"

/**
 * Makes metric-hub-style BigQuery SQL run on DuckDB where DuckDB has the semantics:
 * macros for functions DuckDB lacks (installed once per connection), and a rewrite of the
 * syntax that differs. What has no DuckDB equivalent is refused with the construct named.
 */

/** Statements that prepare a DuckDB connection for BigQuery-style SQL. */
export const duckDbCompatibilityStatements: ReadonlyArray<string> = [
  "SET autoinstall_known_extensions = false",
  "CREATE OR REPLACE MACRO logical_or(x) AS bool_or(x)",
  "CREATE OR REPLACE MACRO logical_and(x) AS bool_and(x)",
  "CREATE OR REPLACE MACRO safe_divide(a, b) AS CASE WHEN b = 0 THEN NULL ELSE a / b END",
  "CREATE OR REPLACE MACRO json_extract_scalar(j, path) AS json_extract_string(j, path)",
  "CREATE OR REPLACE MACRO json_value(j, path) AS json_extract_string(j, path)",
  // BigQuery maps are ARRAY<STRUCT<key, value>>; mozfun.map.get_key looks a key up in one.
  "ATTACH IF NOT EXISTS ':memory:' AS mozfun",
  "CREATE SCHEMA IF NOT EXISTS mozfun.map",
  "CREATE OR REPLACE MACRO mozfun.map.get_key(entries, wanted) AS (list_filter(entries, entry -> entry.key = wanted))[1].value",
]

/** A BigQuery construct DuckDB cannot run. */
export interface UnsupportedConstruct {
  readonly construct: string
  readonly reason: string
}

const supportedMozfun = new Set(["mozfun.map.get_key"])

const unsupportedPatterns: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bAPPROX_QUANTILES\s*\(/i, "DuckDB's approx_quantile has other arguments and results"],
  [/\bARRAY_CONCAT_AGG\s*\(/i, "no DuckDB equivalent"],
  [
    /\b(?:TIMESTAMP|DATETIME)_(?:ADD|SUB|DIFF)\s*\(/i,
    "not translated; use DATE_ADD/DATE_SUB/DATE_DIFF on dates",
  ],
  [/\bFOR\s+SYSTEM_TIME\s+AS\s+OF\b/i, "BigQuery time travel"],
]

const writeForDuckDb = (literal: Literal): string => {
  switch (literal.kind) {
    case "string": {
      // DuckDB's parser ends a string at a NUL character, which its strings can hold.
      const parts = literal.text.split("\u0000").map((part) => `'${part.replaceAll("'", "''")}'`)
      return parts.length === 1 ? (parts[0] ?? "''") : `(${parts.join(" || chr(0) || ")})`
    }
    case "identifier":
      return literal.text
        .split(".")
        .map((part) => `"${part.replaceAll('"', '""')}"`)
        .join(".")
    case "comment":
      return literal.text.startsWith("#") ? `--${literal.text.slice(1)}` : literal.text
  }
}

/**
 * BigQuery's scalar types a STRUCT field may have here, as DuckDB names them (FLOAT64 is
 * DOUBLE by the time struct arrays are rewritten).
 */
const structFieldTypes: Readonly<Record<string, string>> = {
  STRING: "VARCHAR",
  DOUBLE: "DOUBLE",
  INT64: "BIGINT",
  BOOL: "BOOLEAN",
  TIMESTAMP: "TIMESTAMP",
  DATE: "DATE",
}

const quoteForDuckDb = (name: string): string => `"${name.replaceAll('"', '""')}"`

const placeholderPattern = /^\uE000(\d+)\uE001$/
const structField = /^(\uE000\d+\uE001|[A-Za-z_]\w*)\s+([A-Za-z]\w*)$/
/** A number written without an exponent: a DECIMAL in DuckDB, a FLOAT64 in BigQuery. */
const decimalNumber = /^[+-]?(?:\d+\.?\d*|\.\d+)$/
const arrayStart = /\bUNNEST\s*\(\s*ARRAY\s*<\s*STRUCT\s*</gi
const fieldsEnd = />\s*>\s*\[/y
const element = /\s*(?:STRUCT\s*)?\(/iy
const afterElement = /\s*([,\]])/y
const unnestEnd = /\s*\)/y

const notTranslated = (reason: string): UnsupportedConstruct => ({
  construct: "UNNEST(ARRAY<STRUCT<...>>[...])",
  reason,
})

/**
 * `UNNEST(ARRAY<STRUCT<a STRING, b FLOAT64>>[(...), ...])`, which DuckDB cannot read, starting
 * at `start` in scanned code, as a subquery over VALUES that casts each column to its type
 * and names it as the struct does; and where it ends. A FLOAT64 field's numbers get an
 * exponent, which makes them DOUBLE literals: as DECIMALs cast to DOUBLE they would not
 * always come back as the same double.
 */
const structArrayAsValues = (
  code: string,
  start: number,
  literals: ReadonlyArray<Literal>,
): Either.Either<{ readonly sql: string; readonly end: number }, UnsupportedConstruct> => {
  const close = code.indexOf(">", start)
  const fieldList = close < 0 ? "" : code.slice(start, close)
  if (close < 0 || fieldList.includes("<") || fieldList.includes("(")) {
    return Either.left(notTranslated("only STRUCTs of scalar fields are translated"))
  }
  const fields: Array<{ readonly alias: string; readonly type: string }> = []
  for (const field of fieldList.split(",")) {
    const parts = structField.exec(field.trim())
    const type = parts?.[2] === undefined ? undefined : structFieldTypes[parts[2].toUpperCase()]
    if (parts?.[1] === undefined || type === undefined) {
      return Either.left(notTranslated(`the field "${field.trim()}" is not a name and a type`))
    }
    const quoted = placeholderPattern.exec(parts[1])
    const literal = quoted === null ? undefined : literals[Number(quoted[1])]
    if (quoted !== null && literal?.kind !== "identifier") {
      return Either.left(notTranslated("a field name must be a name"))
    }
    fields.push({ alias: quoteForDuckDb(literal?.text ?? parts[1]), type })
  }
  fieldsEnd.lastIndex = close
  if (fieldsEnd.exec(code) === null) return Either.left(notTranslated("expected >>["))
  const rows: string[] = []
  let index = fieldsEnd.lastIndex
  afterElement.lastIndex = index
  const empty = afterElement.exec(code)?.[1] === "]"
  if (empty) index = afterElement.lastIndex
  while (!empty) {
    element.lastIndex = index
    if (element.exec(code) === null) {
      return Either.left(notTranslated(`expected a row at "${code.slice(index, index + 20)}"`))
    }
    const call = callArguments(code, element.lastIndex - 1)
    if (call === undefined || call.arguments.length !== fields.length) {
      return Either.left(notTranslated(`a row must have ${fields.length} values`))
    }
    const cells = call.arguments.map((cell, column) =>
      fields[column]?.type === "DOUBLE" && decimalNumber.test(cell) ? `${cell}e0` : cell,
    )
    rows.push(`(${cells.join(", ")})`)
    afterElement.lastIndex = call.end
    const separator = afterElement.exec(code)?.[1]
    if (separator === undefined) return Either.left(notTranslated("expected , or ] after a row"))
    index = afterElement.lastIndex
    if (separator === "]") break
  }
  unnestEnd.lastIndex = index
  if (unnestEnd.exec(code) === null) return Either.left(notTranslated("expected ) after ]"))
  const end = unnestEnd.lastIndex
  if (rows.length === 0) {
    const nulls = fields.map(({ alias, type }) => `CAST(NULL AS ${type}) AS ${alias}`)
    return Either.right({ sql: `(SELECT ${nulls.join(", ")} LIMIT 0)`, end })
  }
  const casts = fields.map(({ alias, type }, column) => `CAST(c${column} AS ${type}) AS ${alias}`)
  const names = fields.map((_, column) => `c${column}`)
  return Either.right({
    sql: `(SELECT ${casts.join(", ")} FROM (VALUES\n  ${rows.join(",\n  ")}\n) AS v(${names.join(", ")}))`,
    end,
  })
}

/** Every typed array of structs that is unnested, as a subquery over VALUES. */
const rewriteStructArrays = (
  code: string,
  literals: ReadonlyArray<Literal>,
): Either.Either<string, ReadonlyArray<UnsupportedConstruct>> => {
  const starts = new RegExp(arrayStart)
  let result = ""
  let from = 0
  for (let match = starts.exec(code); match !== null; match = starts.exec(code)) {
    const translated = structArrayAsValues(code, match.index + match[0].length, literals)
    if (Either.isLeft(translated)) return Either.left([translated.left])
    result += code.slice(from, match.index) + translated.right.sql
    from = translated.right.end
    starts.lastIndex = from
  }
  return Either.right(result + code.slice(from))
}

/** Rewrites every call of `name(...)` (case-insensitive) with `rewrite(arguments)`. */
const rewriteCalls = (
  code: string,
  name: string,
  rewrite: (args: ReadonlyArray<string>) => string | undefined,
): string => {
  const pattern = new RegExp(`\\b${name}\\s*\\(`, "gi")
  let result = ""
  let from = 0
  for (let match = pattern.exec(code); match !== null; match = pattern.exec(code)) {
    if (match.index < from) continue
    const open = match.index + match[0].length - 1
    const call = callArguments(code, open)
    if (call === undefined) break
    const replacement = rewrite(call.arguments.map((argument) => rewriteAll(argument)))
    if (replacement === undefined) continue
    result += code.slice(from, match.index) + replacement
    from = call.end
    pattern.lastIndex = call.end
  }
  return result + code.slice(from)
}

const intervalPattern = /^INTERVAL\s+(.+?)\s+(DAY|WEEK|MONTH|QUARTER|YEAR)$/is

const dateShift = (sign: "+" | "-") => (args: ReadonlyArray<string>) => {
  const [date, interval] = args
  const parts = interval === undefined ? null : intervalPattern.exec(interval)
  if (date === undefined || parts === null || args.length !== 2) return undefined
  return `CAST((${date}) ${sign} INTERVAL (${parts[1]}) ${parts[2]} AS DATE)`
}

const rewriteAll = (code: string): string => {
  let rewritten = code
    .replace(/\*\s*EXCEPT\s*\(/gi, "* EXCLUDE (")
    .replace(/\bSAFE_CAST\s*\(/gi, "TRY_CAST(")
    .replace(/\bSAFE\.(\w+)\s*\(/gi, "$1(")
    // The one BigQuery type name DuckDB lacks: it reads STRING, INT64 and BOOL as VARCHAR,
    // BIGINT and BOOLEAN itself (so `x AS string`, an alias, is left alone).
    .replace(/\bFLOAT64\b/gi, "DOUBLE")
    // BigQuery's NaN and infinity tests, which DuckDB spells without the underscore.
    .replace(/\bIS_NAN\s*\(/gi, "isnan(")
    .replace(/\bIS_INF\s*\(/gi, "isinf(")
  rewritten = rewriteCalls(rewritten, "DATE_DIFF", (args) => {
    const [end, start, part] = args
    return end === undefined || start === undefined || part === undefined || args.length !== 3
      ? undefined
      : `date_diff('${part.toLowerCase()}', ${start}, ${end})`
  })
  rewritten = rewriteCalls(rewritten, "DATE_ADD", dateShift("+"))
  rewritten = rewriteCalls(rewritten, "DATE_SUB", dateShift("-"))
  return rewritten
}

const unsupportedIn = (code: string): ReadonlyArray<UnsupportedConstruct> => {
  const found: UnsupportedConstruct[] = []
  for (const match of code.matchAll(/\bmozfun\.(\w+)\.(\w+)/gi)) {
    const name = match[0].toLowerCase()
    if (!supportedMozfun.has(name)) {
      found.push({ construct: match[0], reason: "a BigQuery UDF with no DuckDB version here" })
    }
  }
  for (const [pattern, reason] of unsupportedPatterns) {
    const match = pattern.exec(code)
    if (match !== null) found.push({ construct: match[0].replace(/\s*\($/, ""), reason })
  }
  return found
}

/** The BigQuery-only constructs a query uses (outside strings and comments). */
export const unsupportedConstructs = (sql: string): ReadonlyArray<UnsupportedConstruct> =>
  unsupportedIn(scanBigQuerySql(sql).code)

/** BigQuery SQL as DuckDB runs it, or the constructs that stop it. */
export const toDuckDbSql = (
  sql: string,
): Either.Either<string, ReadonlyArray<UnsupportedConstruct>> => {
  const { code, literals } = scanBigQuerySql(sql)
  const unsupported = unsupportedIn(code)
  if (unsupported.length > 0) return Either.left(unsupported)
  // Struct arrays last, so that no rewrite reads the names they are given.
  return Either.map(rewriteStructArrays(rewriteAll(code), literals), (rewritten) =>
    restoreLiterals(rewritten, literals, writeForDuckDb),
  )
}
