import { availableParallelism } from "node:os"
import { Console, Effect, Option } from "effect"
import type { StatisticResult } from "../domain/statistic-result.js"
import { analyzeTable } from "../pipeline/analyze-table.js"
import { Warehouse } from "../services/warehouse/warehouse.js"
import type { AnalyzeTableOptions } from "./commands/analyze-table.js"
import { setExitCode } from "./exit-code.js"

// What `slipstream analyze-table` does; its flags are in commands/analyze-table.ts.

/** `key=value` text as TOML would type it: numbers and booleans, else strings. */
const typedValue = (text: string): string | number | boolean =>
  text === "true"
    ? true
    : text === "false"
      ? false
      : text.trim() !== "" && Number.isFinite(Number(text))
        ? Number(text)
        : text

/** `a.b=value` becomes { a: { b: value } }, as a TOML dotted key would. */
const parameterTable = (pairs: ReadonlyArray<string>): Record<string, unknown> => {
  const table: Record<string, unknown> = {}
  for (const pair of pairs) {
    const separator = pair.indexOf("=")
    const key = separator < 0 ? pair : pair.slice(0, separator)
    const value = separator < 0 ? "" : pair.slice(separator + 1)
    const [head = "", ...rest] = key.split(".")
    if (rest.length === 0) {
      table[head] = typedValue(value)
    } else {
      const nested = table[head]
      const inner: Record<string, unknown> =
        typeof nested === "object" && nested !== null ? { ...nested } : {}
      inner[rest.join(".")] = typedValue(value)
      table[head] = inner
    }
  }
  return table
}

/** `censor_highest_values:fraction=0.99` → { name, fraction: 0.99 }; a bare name stays a name. */
const preTreatmentSpec = (text: string): unknown => {
  const [name = "", settings] = text.split(":", 2)
  if (settings === undefined) return name
  const entries = settings.split(",").map((pair) => {
    const [key = "", value = ""] = pair.split("=", 2)
    return [key.trim(), typedValue(value.trim())] as const
  })
  return { name, ...Object.fromEntries(entries) }
}

const number = (value: number | null): string =>
  value === null ? "" : `${Number(value.toPrecision(6))}`

const formatTable = (results: ReadonlyArray<StatisticResult>): string => {
  const header = ["branch", "comparison", "to", "parameter", "point", "lower", "upper", "p"]
  const lines = results.map((row) => [
    row.branch,
    row.comparison ?? "",
    row.comparison_to_branch ?? "",
    row.parameter === null ? "" : `${row.parameter}`,
    number(row.point),
    number(row.lower),
    number(row.upper),
    row.p_value === undefined ? "" : number(row.p_value),
  ])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)),
  )
  return [header, ...lines]
    .map((line) =>
      line
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")
}

export const analyzeTableHandler = (options: AnalyzeTableOptions) =>
  analyzeTable({
    file: options.file,
    metric: options.metric,
    statistic: options.statistic,
    parameters: parameterTable(options.parameters),
    preTreatments: options.preTreatments.map(preTreatmentSpec),
    branchColumn: options.branchColumn,
    ...Option.match(options.reference, {
      onNone: () => ({}),
      onSome: (value) => ({ reference: value }),
    }),
    ...Option.match(options.covariate, {
      onNone: () => ({}),
      onSome: (value) => ({ covariate: value }),
    }),
    ...Option.match(options.confidence, {
      onNone: () => ({}),
      onSome: (value) => ({ confidence: value }),
    }),
    seed: options.seed,
    ratios: options.ratios,
  }).pipe(
    // An in-memory DuckDB warehouse reads the file, on every core (DuckDB's own default).
    Effect.provide(Warehouse.duckDb({ path: ":memory:", threads: availableParallelism() })),
    Effect.flatMap(({ results, warnings }) =>
      Effect.gen(function* () {
        for (const warning of warnings) yield* Console.error(`warning: ${warning}`)
        yield* Console.log(
          options.format === "json" ? JSON.stringify(results, null, 2) : formatTable(results),
        )
      }),
    ),
    // A wrong statistic or parameter is a usage error; what the file holds (a column, a
    // branch, values a statistic cannot take) or the warehouse failing is not.
    Effect.catchAll((error) =>
      Console.error(`slipstream analyze-table: ${error.message}`).pipe(
        Effect.zipRight(
          setExitCode(error._tag === "AnalyzeTableError" && error.usage === true ? 2 : 1),
        ),
      ),
    ),
  )
