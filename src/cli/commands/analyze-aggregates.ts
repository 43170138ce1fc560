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

// The flags, arguments and description of `slipstream analyze-aggregates`. What it does is in
// ../analyze-aggregates-command.ts, imported when it runs.

const file = Args.file({ name: "FILE", exists: "yes" }).pipe(
  Args.withDescription("a JSON file: each branch's n, sum and sum_squares"),
)
const statistic = Options.text("statistic").pipe(
  Options.withPseudoName("STAT"),
  Options.withDescription("a statistic computed from sums, as below"),
)

const analyzeAggregatesConfig = {
  file,
  statistic,
  parameters: parametersOption,
  confidence: confidenceOption,
  seed: seedOption,
  ratios: ratiosOption,
  format: formatOption,
}

export type AnalyzeAggregatesOptions = Command.Command.ParseConfig<typeof analyzeAggregatesConfig>

export const analyzeAggregatesCommand = Command.make(
  "analyze-aggregates",
  analyzeAggregatesConfig,
  handledBy(() =>
    import("../analyze-aggregates-command.js").then((module) => module.analyzeAggregatesHandler),
  ),
).pipe(
  Command.withDescription(
    commandDescription(
      "analyse each branch's sufficient statistics (n, Σy, Σy²) with one statistic",
      'analyze-table\'s rows, from the sums a warehouse already made (or another tool was given, to check it). FILE: {"reference": "control", "branches": {"control": {"n": 3407, "sum": 1396.87, "sum_squares": 52377.98}, ...}}, "reference" and "metric" (the rows\' name; the file\'s otherwise) optional. A branch may add "covariate": {"sum", "sum_squares"} with "sum_products" (Σ y·x): CUPED; or "denominator": {"sum", "sum_squares"} with "sum_products" (Σ numerator·denominator): a ratio.',
      "Statistics: those computed from sums, such as t_test, linear_model_mean, population_ratio, count and sum; one that needs per-client values is refused, with the list. Exit status 1 on bad input, 2 on a usage error.",
    ),
  ),
)
