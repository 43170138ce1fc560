import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import {
  confidenceOption,
  formatOption,
  parametersOption,
  ratiosOption,
  seedOption,
} from "../analysis-options.js"
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

const analyzeTableConfig = {
  file,
  metric,
  statistic,
  parameters: parametersOption,
  preTreatments,
  branchColumn,
  reference,
  covariate,
  confidence: confidenceOption,
  seed: seedOption,
  ratios: ratiosOption,
  format: formatOption,
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
      "Each branch's estimate, and the difference and relative uplift for every ordered pair of branches, with intervals; then a sample-ratio-mismatch test. Statistics: bootstrap_mean, binomial, deciles, linear_model_mean, per_client_dau_impact, population_ratio, kernel_density_estimate, empirical_cdf, count, sum, t_test, bayesian_gaussian.",
      "Examples: --param num_samples=2000, --param numerator=clicks --param denominator=searches, --param covariate_adjustment.period=preenrollment_week with --covariate, --param sequential=true (t_test), --param prior_stddev=0.3 (bayesian_gaussian), --pre-treatment censor_highest_values:fraction=0.999. Exit status 1 on bad input, 2 on a usage error.",
    ),
  ),
)
