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
    case "string":
      return `'${literal.text.replaceAll("'", "''")}'`
    case "identifier":
      return literal.text
        .split(".")
        .map((part) => `"${part.replaceAll('"', '""')}"`)
        .join(".")
    case "comment":
      return literal.text.startsWith("#") ? `--${literal.text.slice(1)}` : literal.text
  }
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
    // BigQuery type names DuckDB spells otherwise (INT64 and BOOL it knows).
    .replace(/\bFLOAT64\b/gi, "DOUBLE")
    .replace(/\bAS\s+STRING\b/gi, "AS VARCHAR")
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

/** The BigQuery-only constructs a query uses (outside strings and comments). */
export const unsupportedConstructs = (sql: string): ReadonlyArray<UnsupportedConstruct> => {
  const { code } = scanBigQuerySql(sql)
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

/** BigQuery SQL as DuckDB runs it, or the constructs that stop it. */
export const toDuckDbSql = (
  sql: string,
): Either.Either<string, ReadonlyArray<UnsupportedConstruct>> => {
  const unsupported = unsupportedConstructs(sql)
  if (unsupported.length > 0) return Either.left(unsupported)
  const { code, literals } = scanBigQuerySql(sql)
  return Either.right(restoreLiterals(rewriteAll(code), literals, writeForDuckDb))
}
