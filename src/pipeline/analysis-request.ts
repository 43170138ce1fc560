import { Data, Effect } from "effect"
import type { ConfigIssue } from "../domain/config/config-issue.js"
import { didYouMean } from "../domain/config/config-issue.js"
import { decodeStatistic } from "../domain/config/decode.js"
import type { StatisticResult } from "../domain/statistic-result.js"
import { isStatisticName, statisticNames } from "../stats/catalogue/statistic-catalogue.js"

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
