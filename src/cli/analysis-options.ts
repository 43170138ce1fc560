import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import { Effect } from "effect"
import { withDefaultShown } from "./option-help.js"

// The flags analyze-table and analyze-aggregates share: the statistic's parameters and
// level, the seed, the sample-ratio test's shares and the output's format.

export const parametersOption = Options.text("param").pipe(
  Options.withPseudoName("KEY=VALUE"),
  Options.withDescription("a parameter of the statistic, as in the TOML"),
  Options.repeated,
)

export const confidenceOption = Options.float("confidence").pipe(
  Options.withPseudoName("LEVEL"),
  Options.withDescription("the intervals' level, in (0, 1)"),
  Options.withDescription("default the statistic's"),
  Options.optional,
)

export const seedOption = Options.integer("seed").pipe(
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

export const ratiosOption = Options.text("ratio").pipe(
  Options.withPseudoName("BRANCH=WEIGHT"),
  Options.withDescription("a branch's expected share of traffic (≥ 0)"),
  Options.withDescription("default equal shares"),
  Options.repeated,
  Options.mapEffect(ratioTable),
)

export const formatOption = Options.choice("format", ["table", "json"]).pipe(
  Options.withDescription("a table to read, or rows of the published format"),
  withDefaultShown("table" as const),
)
