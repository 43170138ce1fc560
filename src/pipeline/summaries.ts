import { Effect, Either } from "effect"
import {
  type AnalysisBasis,
  type AnalysisWindow,
  isPreEnrollmentPeriod,
} from "../domain/analysis-period.js"
import type { AnalysisConfiguration, Summary } from "../domain/config/analysis-configuration.js"
import type { StatisticResult } from "../domain/statistic-result.js"
import { Warehouse } from "../services/warehouse/warehouse.js"
import { withoutCovariateAdjustment } from "../stats/catalogue/statistic-catalogue.js"
import { forEachPushDownResult } from "./batched-push-down.js"
import { containedAt, defectsAsFailures } from "./containment.js"
import { type Problem, type ProblemPlace, type ProblemRecorder, warningsAt } from "./problem.js"
import {
  pushDownFor,
  type StatisticsSettings,
  type SummaryOutcome,
  summaryFromAggregates,
} from "./statistics.js"

/** One window and basis of an experiment, with what its summaries need to know of it. */
export interface WindowToSummarise {
  readonly configuration: AnalysisConfiguration
  readonly window: AnalysisWindow
  readonly basis: AnalysisBasis
  readonly metricsTable: string
  readonly booleanColumns: ReadonlyArray<string>
  readonly summaries: ReadonlyArray<Summary>
}

export interface SummarisedResults {
  readonly results: ReadonlyArray<StatisticResult>
  readonly problems: ReadonlyArray<Problem>
}

const recordedBy: ProblemRecorder = {
  filename: "src/pipeline/summaries.ts",
  funcName: "summariseWindow",
}

/**
 * A summary's boundary: its rows with the warnings it gave, or the problem that stopped it —
 * a failure, or a defect (a throw, a rejected promise, a die) with its stack.
 */
const summaryOutcomeAt = <E, R>(
  at: ProblemPlace,
  summary: Effect.Effect<SummaryOutcome, E, R>,
): Effect.Effect<SummarisedResults, never, R> =>
  containedAt(
    at,
    recordedBy,
    summary.pipe(
      Effect.flatMap(({ results, warnings }) =>
        warningsAt(at, warnings, recordedBy).pipe(
          Effect.map((problems) => ({ results, problems })),
        ),
      ),
    ),
    (problem) =>
      Effect.succeed({ results: [] as ReadonlyArray<StatisticResult>, problems: [problem] }),
  )

/**
 * Every summary on every segment (`all` and the configured ones) of one window and basis:
 * the push-downs batched by shape, each statistic computed as its batch returns. Never
 * fails: a summary that cannot be computed, or dies, is a problem at its place.
 */
export const summariseWindow = (
  { configuration, window, basis, metricsTable, booleanColumns, summaries }: WindowToSummarise,
  place: ProblemPlace,
  settings: StatisticsSettings & { readonly summaryConcurrency: number },
): Effect.Effect<ReadonlyArray<SummarisedResults>, never, Warehouse> =>
  Effect.gen(function* () {
    const slug = configuration.experiment.slug
    const warehouse = yield* Warehouse
    const tableExists = yield* Effect.cachedFunction(warehouse.tableExists)
    const segments = ["all", ...configuration.segments.map(({ name }) => name)]
    // A pre-enrollment period's metric would be adjusted by itself (y − θ·x = 0 for every
    // client): its statistics run unadjusted there.
    const periodSummaries = isPreEnrollmentPeriod(window.period)
      ? summaries.map((summary) => ({
          ...summary,
          statistic: withoutCovariateAdjustment(summary.statistic),
        }))
      : summaries
    const tasks = segments.flatMap((segment) =>
      periodSummaries.map((summary) => ({
        summary,
        place: {
          configuration,
          window,
          basis,
          metricsTable,
          segment,
          booleanColumns,
          tableExists,
        },
        at: {
          ...place,
          segment,
          metric: summary.metric.name,
          statistic: summary.statistic.name,
        } satisfies ProblemPlace,
      })),
    )
    const prepared = yield* Effect.forEach(
      tasks,
      (task) =>
        Effect.either(defectsAsFailures(pushDownFor(task.summary, task.place, settings))).pipe(
          Effect.map((pushDown) => ({ ...task, pushDown })),
        ),
      { concurrency: settings.summaryConcurrency },
    )
    const unprepared = yield* Effect.forEach(
      prepared.flatMap(({ at, pushDown }) =>
        Either.isLeft(pushDown) ? [{ at, error: pushDown.left }] : [],
      ),
      ({ at, error }) => summaryOutcomeAt(at, Effect.fail(error)),
    )
    const summarised = yield* forEachPushDownResult(
      prepared.flatMap((task) =>
        Either.isRight(task.pushDown) ? [{ ...task, pushDown: task.pushDown.right }] : [],
      ),
      (task, result) =>
        summaryOutcomeAt(
          task.at,
          Effect.flatMap(result, (rows) =>
            summaryFromAggregates(task.summary, task.place, task.pushDown, rows, settings),
          ),
        ),
      {
        concurrency: settings.summaryConcurrency,
        purpose: `${slug} (${window.period} ${window.index}, ${basis})`,
      },
    )
    return [...unprepared, ...summarised]
  })
