import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import { Console, Effect, Option } from "effect"
import type { StatisticResult } from "../domain/statistic-result.js"
import { analyzeTable } from "../pipeline/analyze-table.js"
import { setExitCode } from "./exit-code.js"

const file = Args.file({ name: "FILE", exists: "yes" }).pipe(
  Args.withDescription("a CSV or Parquet file, one row per client"),
)
const metric = Options.text("metric").pipe(Options.withDescription("the metric column"))
const statistic = Options.text("statistic").pipe(
  Options.withDescription(
    "bootstrap_mean, binomial, deciles, linear_model_mean, per_client_dau_impact, population_ratio, kernel_density_estimate, empirical_cdf, count or sum",
  ),
)
const parameters = Options.text("param").pipe(
  Options.repeated,
  Options.withDescription(
    "a statistic parameter, key=value (repeatable): num_samples=1000, drop_highest=0.01, numerator=clicks, covariate_adjustment.period=preenrollment_week",
  ),
)
const preTreatments = Options.text("pre-treatment").pipe(
  Options.repeated,
  Options.withDescription(
    "a pre-treatment, applied in order: NAME or NAME:key=value,key=value (repeatable)",
  ),
)
const branchColumn = Options.text("branch-column").pipe(Options.withDefault("branch"))
const reference = Options.text("reference").pipe(
  Options.optional,
  Options.withDescription(
    "keep only comparisons against this branch (default: every branch as reference)",
  ),
)
const covariate = Options.text("covariate").pipe(
  Options.optional,
  Options.withDescription("the pre-period column of linear_model_mean (CUPED)"),
)
const confidence = Options.float("confidence").pipe(
  Options.optional,
  Options.withDescription(
    "the level of the intervals, any value in (0, 1); the statistic's default otherwise",
  ),
)
const seed = Options.integer("seed").pipe(
  Options.withDefault(20_26),
  Options.withDescription("random seed: the same seed gives the same results"),
)
/**
 * `--ratio BRANCH=WEIGHT` flags as weights by branch; a flag that is not one (no branch, a
 * weight that is not a number ≥ 0, a branch given twice) is a usage error naming it.
 */
const ratioTable = (pairs: ReadonlyArray<string>) => {
  const table: Record<string, number> = {}
  const invalid = (message: string) =>
    Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--ratio ${message}`)))
  for (const pair of pairs) {
    const separator = pair.indexOf("=")
    const branch = separator < 0 ? "" : pair.slice(0, separator)
    const text = separator < 0 ? "" : pair.slice(separator + 1)
    if (branch === "") return invalid(`${pair}: not BRANCH=WEIGHT`)
    const weight = text.trim() === "" ? Number.NaN : Number(text)
    if (!(Number.isFinite(weight) && weight >= 0)) {
      return invalid(`${pair}: the weight ${JSON.stringify(text)} is not a number ≥ 0`)
    }
    if (Object.hasOwn(table, branch)) return invalid(`${pair}: branch ${branch} is given twice`)
    table[branch] = weight
  }
  return Effect.succeed<Readonly<Record<string, number>>>(table)
}
const ratios = Options.text("ratio").pipe(
  Options.repeated,
  Options.mapEffect(ratioTable),
  Options.withDescription(
    "a branch's configured traffic share for the sample-ratio test, BRANCH=WEIGHT with a weight ≥ 0 (repeatable; equal shares by default)",
  ),
)
const format = Options.choice("format", ["table", "json"]).pipe(Options.withDefault("table"))

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

export const analyzeTableCommand = Command.make(
  "analyze-table",
  {
    file,
    metric,
    statistic,
    parameters,
    preTreatments,
    branchColumn,
    reference,
    covariate,
    confidence,
    seed,
    ratios,
    format,
  },
  (options) =>
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
      Effect.flatMap(({ results, warnings }) =>
        Effect.gen(function* () {
          for (const warning of warnings) yield* Console.error(`warning: ${warning}`)
          yield* Console.log(
            options.format === "json" ? JSON.stringify(results, null, 2) : formatTable(results),
          )
        }),
      ),
      Effect.catchAll((error) =>
        Console.error(`slipstream analyze-table: ${error.message}`).pipe(
          Effect.zipRight(setExitCode(1)),
        ),
      ),
    ),
).pipe(
  Command.withDescription(
    "Analyse a per-client table (CSV or Parquet): one statistic of one metric per branch and for every pair of branches, with intervals. Exit status 1 on bad input, 2 on a bad flag.",
  ),
)
