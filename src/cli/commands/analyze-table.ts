import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import { Effect } from "effect"
import { commandDescription } from "../command-description.js"
import { handledBy } from "../handled-by.js"
import { withDefaultShown } from "../option-help.js"

// The flags, arguments and description of `slipstream analyze-table`. What it does is in
// ../analyze-table-command.ts, imported when it runs.

const file = Args.file({ name: "FILE", exists: "yes" }).pipe(
  Args.withDescription("a CSV or Parquet file, one row per client"),
)
const metric = Options.text("metric").pipe(
  Options.withPseudoName("NAME"),
  Options.withDescription("the metric: a column, or the ratio a population_ratio names"),
)
const statistic = Options.text("statistic").pipe(
  Options.withPseudoName("STAT"),
  Options.withDescription("one of Jetstream's statistics, listed below"),
)
const parameters = Options.text("param").pipe(
  Options.withPseudoName("KEY=VALUE"),
  Options.withDescription("a parameter of the statistic, as in the TOML"),
  Options.repeated,
)
const preTreatments = Options.text("pre-treatment").pipe(
  Options.withPseudoName("SPEC"),
  Options.withDescription("NAME or NAME:key=value,..., applied in order"),
  Options.repeated,
)
const branchColumn = Options.text("branch-column").pipe(
  Options.withPseudoName("COLUMN"),
  Options.withDescription("the column naming each client's branch"),
  withDefaultShown("branch"),
)
const reference = Options.text("reference").pipe(
  Options.withPseudoName("BRANCH"),
  Options.withDescription("only comparisons against this branch"),
  Options.withDescription("default every branch in turn"),
  Options.optional,
)
const covariate = Options.text("covariate").pipe(
  Options.withPseudoName("COLUMN"),
  Options.withDescription("the pre-period column of linear_model_mean or t_test (CUPED)"),
  Options.optional,
)
const confidence = Options.float("confidence").pipe(
  Options.withPseudoName("LEVEL"),
  Options.withDescription("the intervals' level, in (0, 1)"),
  Options.withDescription("default the statistic's"),
  Options.optional,
)
const seed = Options.integer("seed").pipe(
  Options.withPseudoName("N"),
  Options.withDescription("random seed: the same seed gives the same results"),
  withDefaultShown(20_26),
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
  Options.withPseudoName("BRANCH=WEIGHT"),
  Options.withDescription("a branch's expected share of traffic (≥ 0)"),
  Options.withDescription("default equal shares"),
  Options.repeated,
  Options.mapEffect(ratioTable),
)
const format = Options.choice("format", ["table", "json"]).pipe(
  Options.withDescription("a table to read, or rows of the published format"),
  withDefaultShown("table" as const),
)

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
    commandDescription(
      "analyse a per-client table (CSV or Parquet) with one statistic",
      "Each branch's estimate, and the difference and relative uplift for every ordered pair of branches, with intervals; then a sample-ratio-mismatch test. Statistics: bootstrap_mean, binomial, deciles, linear_model_mean, per_client_dau_impact, population_ratio, kernel_density_estimate, empirical_cdf, count, sum.",
      "Examples: --param num_samples=2000, --param numerator=clicks --param denominator=searches, --param covariate_adjustment.period=preenrollment_week with --covariate, --pre-treatment censor_highest_values:fraction=0.999. Exit status 1 on bad input, 2 on a usage error.",
    ),
  ),
)
