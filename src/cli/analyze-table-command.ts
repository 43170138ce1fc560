import { availableParallelism } from "node:os"
import { Effect, Option } from "effect"
import { analyzeTable } from "../pipeline/analyze-table.js"
import { Warehouse } from "../services/warehouse/warehouse.js"
import { printAnalysis } from "./analysis-output.js"
import type { AnalyzeTableOptions } from "./commands/analyze-table.js"
import { parameterTable, typedValue } from "./parameter-table.js"

// What `slipstream analyze-table` does; its flags are in commands/analyze-table.ts.

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
    // A wrong statistic or parameter is a usage error; what the file holds (a column, a
    // branch, values a statistic cannot take) or the warehouse failing is not.
    printAnalysis("analyze-table", options.format),
  )
