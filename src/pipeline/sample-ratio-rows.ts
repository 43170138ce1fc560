import type { StatisticResult } from "../domain/statistic-result.js"
import { sampleRatioMismatch } from "../stats/sample-ratio.js"
import { sampleRatioResult } from "../stats/statistic-results.js"

/**
 * The sample-ratio mismatch test of the clients per branch against each branch's configured
 * share (equal shares for a branch without one), as the published row of analyze-table and
 * analyze-aggregates (metric "sample_ratio_mismatch", statistic "chi_square", point = χ²,
 * branch the reference or else the first), with its warnings; no row when it cannot run.
 */
export const sampleRatioRows = (
  clients: ReadonlyMap<string, number>,
  ratios: Readonly<Record<string, number>> | undefined,
  reference: string | undefined,
): {
  readonly results: ReadonlyArray<StatisticResult>
  readonly warnings: ReadonlyArray<string>
} => {
  const ratioTest = sampleRatioMismatch(
    new Map(
      [...clients].map(([branch, enrolled]) => [
        branch,
        { enrolled, ratio: ratios?.[branch] ?? 1 },
      ]),
    ),
  )
  const results: ReadonlyArray<StatisticResult> =
    ratioTest.test === undefined
      ? []
      : [
          sampleRatioResult(ratioTest.test, {
            segment: "all",
            analysisBasis: "enrollments",
            windowIndex: 1,
            referenceBranch: reference ?? [...clients.keys()][0] ?? "",
          }),
        ]
  return { results, warnings: ratioTest.warnings }
}
