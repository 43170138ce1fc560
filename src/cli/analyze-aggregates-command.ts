import { readFile } from "node:fs/promises"
import { Effect, Option } from "effect"
import { AnalyzeTableError } from "../pipeline/analysis-request.js"
import { analyzeAggregates } from "../pipeline/analyze-aggregates.js"
import { printAnalysis } from "./analysis-output.js"
import type { AnalyzeAggregatesOptions } from "./commands/analyze-aggregates.js"
import { parameterTable } from "./parameter-table.js"

// What `slipstream analyze-aggregates` does; its flags are in commands/analyze-aggregates.ts.

/** The file's JSON, or an error naming the file (exit status 1). */
const readJson = (file: string) =>
  Effect.tryPromise({
    try: async (): Promise<unknown> => JSON.parse(await readFile(file, "utf8")),
    catch: (cause) =>
      new AnalyzeTableError({
        message: `${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
      }),
  })

export const analyzeAggregatesHandler = (options: AnalyzeAggregatesOptions) =>
  readJson(options.file).pipe(
    Effect.flatMap((contents) =>
      analyzeAggregates({
        file: options.file,
        contents,
        statistic: options.statistic,
        parameters: parameterTable(options.parameters),
        ...Option.match(options.confidence, {
          onNone: () => ({}),
          onSome: (value) => ({ confidence: value }),
        }),
        seed: options.seed,
        ratios: options.ratios,
      }),
    ),
    printAnalysis("analyze-aggregates", options.format),
  )
