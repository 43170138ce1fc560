import { Console, Effect } from "effect"
import type { StatisticResult } from "../domain/statistic-result.js"
import { AnalyzeTableError, type AnalyzeTableResult } from "../pipeline/analysis-request.js"
import { setExitCode } from "./exit-code.js"

// How analyze-table and analyze-aggregates print what they found, and what stops them.

const number = (value: number | null): string =>
  value === null ? "" : `${Number(value.toPrecision(6))}`

/**
 * The rows as a table to read: one line each, columns aligned, 6 significant digits; the
 * statistic first, so the sample-ratio test's row (chi_square) reads as what it is.
 */
export const formatTable = (results: ReadonlyArray<StatisticResult>): string => {
  const header = [
    "statistic",
    "branch",
    "comparison",
    "to",
    "parameter",
    "point",
    "lower",
    "upper",
    "p",
  ]
  const lines = results.map((row) => [
    row.statistic,
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

/**
 * Prints an analysis: its warnings on stderr, its rows on stdout in `format`. A failure is
 * one line on stderr after the command's name, with exit status 2 for a request that cannot
 * be carried out (a wrong statistic or parameter), 1 for what the input holds.
 */
export const printAnalysis =
  (command: string, format: "table" | "json") =>
  <E extends { readonly message: string }, R>(
    analysis: Effect.Effect<AnalyzeTableResult, E, R>,
  ): Effect.Effect<void, never, R> =>
    analysis.pipe(
      Effect.flatMap(({ results, warnings }) =>
        Effect.gen(function* () {
          for (const warning of warnings) yield* Console.error(`warning: ${warning}`)
          yield* Console.log(
            format === "json" ? JSON.stringify(results, null, 2) : formatTable(results),
          )
        }),
      ),
      Effect.catchAll((error) =>
        Console.error(`slipstream ${command}: ${error.message}`).pipe(
          Effect.zipRight(
            setExitCode(error instanceof AnalyzeTableError && error.usage === true ? 2 : 1),
          ),
        ),
      ),
    )
