import { Effect, Either, Schema } from "effect"
import { didYouMean, keyPath } from "../domain/config/config-issue.js"
import { issuesFromParseError } from "../domain/config/schema-issues.js"
import type { BranchAggregates } from "../stats/catalogue/statistic-descriptor.js"
import { AnalyzeTableError, describeIssues } from "./analysis-request.js"

/*
 * The input of `slipstream analyze-aggregates`: each branch's sufficient statistics, as a
 * warehouse that already aggregates returns them (gbstats' columns: n, sum, sum_squares):
 *
 *   { "metric": "active_hours",              (optional; the file's name otherwise)
 *     "reference": "control",                (optional; every branch in turn otherwise)
 *     "branches": { "control": { "n": 3407, "sum": 1396.87, "sum_squares": 52377.9767 }, ... } }
 *
 * A branch may add "covariate": { sum, sum_squares } with "sum_products" = Σ y·x (CUPED), or
 * "denominator": { sum, sum_squares } with "sum_products" = Σ numerator·denominator (a ratio,
 * whose numerator is the branch's own sum and sum_squares).
 */

const Moments = Schema.Struct({
  sum: Schema.Number,
  sum_squares: Schema.Number.pipe(Schema.nonNegative()),
})

const BranchSums = Schema.Struct({
  n: Schema.Number.pipe(Schema.int(), Schema.nonNegative()),
  sum: Schema.Number,
  sum_squares: Schema.Number.pipe(Schema.nonNegative()),
  covariate: Schema.optionalWith(Moments, { exact: true }),
  denominator: Schema.optionalWith(Moments, { exact: true }),
  sum_products: Schema.optionalWith(Schema.Number, { exact: true }),
})
type BranchSums = typeof BranchSums.Type

const AggregatesFile = Schema.Struct({
  metric: Schema.optionalWith(Schema.String, { exact: true }),
  reference: Schema.optionalWith(Schema.String, { exact: true }),
  branches: Schema.Record({ key: Schema.String, value: BranchSums }),
})

const decodeFile = Schema.decodeUnknownEither(AggregatesFile, {
  errors: "all",
  onExcessProperty: "error",
})

/**
 * What the branches hold, as the aggregate a statistic asks for (`AggregateRequest`'s kind):
 * sums, sums with a covariate's, or a ratio's sums.
 */
export type AggregatesShape = "sums" | "sums_with_covariate" | "ratio_sums"

export interface AggregatesInput {
  readonly metric?: string
  readonly reference?: string
  readonly shape: AggregatesShape
  /** In the file's order. */
  readonly branches: ReadonlyMap<string, BranchAggregates>
  /** What looks wrong but can be computed on. */
  readonly warnings: ReadonlyArray<string>
}

/**
 * Σx² below (Σx)²/n is no set of n values' sums (a typo, columns swapped, or a made-up
 * example such as gbstats' own test data): the variance it gives is negative. The statistics
 * are computed all the same, as another tool would on the same sums; rounding of values that
 * barely vary may fall short by a hair, which passes.
 */
const impossibleSquares = (n: number, { sum, sum_squares }: typeof Moments.Type) =>
  n > 0 && sum_squares < ((sum * sum) / n) * (1 - 1e-9) - 1e-12
    ? `${sum_squares} is less than sum²/n = ${Number(((sum * sum) / n).toPrecision(6))}: no ${n} values have these sums`
    : undefined

/** What is said of a key of a branch's entry: the key's path in the entry, and the text. */
type KeyNote = readonly [ReadonlyArray<string>, string]

/** What is wrong with one branch's entry on its own. */
const branchProblems = (sums: BranchSums): ReadonlyArray<KeyNote> => {
  const problems: KeyNote[] = []
  const paired = sums.covariate === undefined ? sums.denominator : sums.covariate
  if (sums.covariate !== undefined && sums.denominator !== undefined) {
    problems.push([
      ["denominator"],
      'is given with "covariate": a ratio has no covariate adjustment',
    ])
  }
  if (paired !== undefined && sums.sum_products === undefined) {
    problems.push([
      ["sum_products"],
      `is required with "${sums.covariate === undefined ? "denominator" : "covariate"}"`,
    ])
  }
  if (paired === undefined && sums.sum_products !== undefined) {
    problems.push([["sum_products"], 'is given without "covariate" or "denominator"'])
  }
  return problems
}

/** Sums that no values have, in one branch's entry. */
const branchDoubts = (sums: BranchSums): ReadonlyArray<KeyNote> =>
  (
    [
      [[], sums],
      [["covariate"], sums.covariate],
      [["denominator"], sums.denominator],
    ] as const
  ).flatMap(([path, moments]) => {
    const impossible = moments === undefined ? undefined : impossibleSquares(sums.n, moments)
    return impossible === undefined
      ? []
      : [[[...path, "sum_squares"], impossible] satisfies KeyNote]
  })

const branchAggregates = (sums: BranchSums): BranchAggregates => {
  const { n, sum, sum_squares, covariate, denominator, sum_products = 0 } = sums
  if (denominator !== undefined) {
    return {
      clients: n,
      ratio: {
        kind: "sums",
        clients: n,
        sumNumerator: sum,
        sumNumeratorSquares: sum_squares,
        sumDenominator: denominator.sum,
        sumDenominatorSquares: denominator.sum_squares,
        sumProducts: sum_products,
      },
    }
  }
  return {
    clients: n,
    sums: {
      n,
      sumY: sum,
      sumY2: sum_squares,
      ...(covariate === undefined
        ? {}
        : { sumX: covariate.sum, sumX2: covariate.sum_squares, sumXY: sum_products }),
    },
  }
}

/**
 * The branches' sufficient statistics in a parsed JSON file, or an error naming the file and
 * every key at fault (exit status 1: the file is wrong, not the request).
 */
export const decodeAggregatesFile = (
  file: string,
  contents: unknown,
): Effect.Effect<AggregatesInput, AnalyzeTableError> =>
  Effect.gen(function* () {
    const refuse = (problems: string) => new AnalyzeTableError({ message: `${file}: ${problems}` })
    const decoded = decodeFile(contents)
    if (Either.isLeft(decoded)) {
      return yield* refuse(describeIssues(issuesFromParseError(decoded.left, [])))
    }
    const { metric, reference, branches: written } = decoded.right
    const names = Object.keys(written)
    if (names.length === 0) return yield* refuse("branches: no branch is given")
    const byKey =
      (check: typeof branchProblems) =>
      ([branch, sums]: readonly [string, BranchSums]) =>
        check(sums).map(([path, text]) => `${keyPath("branches", branch, ...path)}: ${text}`)
    const problems = Object.entries(written).flatMap(byKey(branchProblems))
    // A ratio's branches are all ratios: a branch without its denominator is not the same metric.
    const ratioBranch = names.find((branch) => written[branch]?.denominator !== undefined)
    if (ratioBranch !== undefined) {
      for (const [branch, sums] of Object.entries(written)) {
        if (sums.denominator === undefined) {
          problems.push(
            `${keyPath("branches", branch, "denominator")}: is required (branch ${ratioBranch} has one: the metric is a ratio)`,
          )
        }
      }
    }
    if (reference !== undefined && !Object.hasOwn(written, reference)) {
      problems.push(
        `reference: "${reference}" is not a branch${didYouMean(reference, names)} (${names.join(", ")})`,
      )
    }
    if (problems.length > 0) return yield* refuse(problems.join("; "))
    const shape: AggregatesShape =
      ratioBranch !== undefined
        ? "ratio_sums"
        : names.some((branch) => written[branch]?.covariate !== undefined)
          ? "sums_with_covariate"
          : "sums"
    return {
      ...(metric === undefined ? {} : { metric }),
      ...(reference === undefined ? {} : { reference }),
      shape,
      warnings: Object.entries(written)
        .flatMap(byKey(branchDoubts))
        .map((doubt) => `${file}: ${doubt}`),
      branches: new Map(
        Object.entries(written).map(([branch, sums]) => [branch, branchAggregates(sums)]),
      ),
    }
  })
