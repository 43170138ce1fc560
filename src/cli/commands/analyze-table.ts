import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import { Effect } from "effect"
import { handledBy } from "../handled-by.js"

// The flags, arguments and description of `slipstream analyze-table`. What it does is in
// ../analyze-table-command.ts, imported when it runs.

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

const analyzeTableConfig = {
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
}

export type AnalyzeTableOptions = Command.Command.ParseConfig<typeof analyzeTableConfig>

export const analyzeTableCommand = Command.make(
  "analyze-table",
  analyzeTableConfig,
  handledBy(() =>
    import("../analyze-table-command.js").then((module) => module.analyzeTableHandler),
  ),
).pipe(
  Command.withDescription(
    "Analyse a per-client table (CSV or Parquet): one statistic of one metric per branch and for every pair of branches, with intervals. Exit status 1 on bad input, 2 on a bad flag.",
  ),
)
