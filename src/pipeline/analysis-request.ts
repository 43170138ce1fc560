import { Data, Effect } from "effect"
import type { ConfigIssue } from "../domain/config/config-issue.js"
import { didYouMean } from "../domain/config/config-issue.js"
import { decodeStatistic } from "../domain/config/decode.js"
import type { StatisticResult } from "../domain/statistic-result.js"
import {
  confidenceOf,
  isStatisticName,
  publishedNameOf,
  type Statistic,
  statisticNames,
} from "../stats/catalogue/statistic-catalogue.js"
import type { StatisticOutput } from "../stats/sample-summary.js"
import { toStatisticResults } from "../stats/statistic-results.js"

// What analyze-table and analyze-aggregates share: the statistic a request names, decoded as
// the TOML's would be, what they return, and the error that stops them.

/** A request of `slipstream analyze-table` or `analyze-aggregates` that cannot be carried out as asked. */
export class AnalyzeTableError extends Data.TaggedError("AnalyzeTableError")<{
  readonly message: string
  /** The request itself is wrong (a statistic or parameter), whatever the file holds. */
  readonly usage?: true
}> {}

export interface AnalyzeTableResult {
  readonly results: ReadonlyArray<StatisticResult>
  readonly warnings: ReadonlyArray<string>
}

/** A config's warnings say what is ignored; here every issue refuses the request. */
export const describeIssues = (issues: ReadonlyArray<ConfigIssue>): string =>
  issues
    .map(({ path, message }) => {
      const refusal = message.replace("; it is ignored", "")
      return path === "" ? refusal : `${path}: ${refusal}`
    })
    .join("; ")

/** The name of a statistic in the catalogue, or a usage error naming the closest. */
export const knownStatisticName = (name: string) =>
  isStatisticName(name)
    ? Effect.succeed(name)
    : Effect.fail(
        new AnalyzeTableError({
          message: `unknown statistic "${name}"${didYouMean(name, statisticNames)}; known: ${statisticNames.join(", ")}`,
          usage: true,
        }),
      )

/**
 * The statistic a request names, with its parameters (and `confidence` as its
 * confidence_interval) and pre-treatments as in TOML, decoded as the TOML's would be; any
 * issue is a usage error.
 */
export const decodeRequestedStatistic = (request: {
  readonly statistic: string
  readonly parameters: Readonly<Record<string, unknown>>
  readonly confidence?: number
  readonly preTreatments: ReadonlyArray<unknown>
}) =>
  Effect.gen(function* () {
    const name = yield* knownStatisticName(request.statistic)
    const parameters = {
      ...request.parameters,
      ...(request.confidence === undefined ? {} : { confidence_interval: request.confidence }),
    }
    const issues: ConfigIssue[] = []
    const spec = decodeStatistic(
      name,
      { ...parameters, pre_treatments: [...request.preTreatments] },
      [],
      issues,
    )
    if (spec.decoded === undefined || issues.length > 0) {
      return yield* new AnalyzeTableError({
        message: `invalid ${name}: ${describeIssues(issues)}`,
        usage: true,
      })
    }
    return { statistic: spec.decoded, preTreatments: spec.preTreatments }
  })

/**
 * A statistic's output as rows of the published format (segment "all", analysis basis
 * "enrollments", window 1), only the comparisons against `reference` when one is given; a
 * statistic that refused the data is an error naming the metric.
 */
export const publishedResults = (
  statistic: Statistic,
  output: StatisticOutput,
  request: { readonly metric: string; readonly reference?: string | undefined },
): Effect.Effect<AnalyzeTableResult, AnalyzeTableError> => {
  if (output.refused !== undefined) {
    return Effect.fail(
      new AnalyzeTableError({ message: `metric "${request.metric}": ${output.refused}` }),
    )
  }
  const rows = output.rows.filter(
    (row) =>
      request.reference === undefined ||
      row.comparison === undefined ||
      row.comparisonToBranch === request.reference,
  )
  const confidence = confidenceOf(statistic)
  const results = toStatisticResults(rows, {
    metric: request.metric,
    statistic: publishedNameOf(statistic),
    segment: "all",
    analysisBasis: "enrollments",
    windowIndex: 1,
    ...(confidence === undefined ? {} : { confidence }),
  })
  return Effect.succeed({ results, warnings: output.warnings })
}
