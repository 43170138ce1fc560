import { Effect } from "effect"
import {
  type AnalysisBasis,
  type AnalysisWindow,
  preEnrollmentWindow,
} from "../domain/analysis-period.js"
import {
  type AnalysisConfiguration,
  referenceBranchOf,
  type Summary,
} from "../domain/config/analysis-configuration.js"
import type { CovariateAdjustment } from "../domain/parameter-schemas.js"
import type { StatisticResult } from "../domain/statistic-result.js"
import { metricsTableName } from "../domain/table-names.js"
import { computeSummaryTask, type SummaryComputationError } from "../services/summary-computer.js"
import {
  type QueryResult,
  Warehouse,
  type WarehouseError,
} from "../services/warehouse/warehouse.js"
import { buildPopulationQuery, segmentCountColumn } from "../sql/population-query.js"
import type { PushDownRequest } from "../sql/push-down-query.js"
import type { SqlBuildError } from "../sql/sql-build-error.js"
import {
  aggregateRequestOf,
  confidenceOf,
  publishedNameOf,
} from "../stats/catalogue/statistic-catalogue.js"
import { sampleRatioMismatch } from "../stats/sample-ratio.js"
import { sampleRatioResult, toStatisticResults } from "../stats/statistic-results.js"
import { defaultMaxBuckets } from "../stats/value-histogram.js"
import { type AggregateQuery, aggregateQueryFor } from "./aggregate-query.js"
import { clientCountsFrom } from "./push-down-aggregates.js"

/** Where one summary is computed: a metrics table, a window, a basis, a segment. */
export interface SummaryPlace {
  readonly configuration: AnalysisConfiguration
  readonly window: AnalysisWindow
  readonly basis: AnalysisBasis
  readonly metricsTable: string
  /** "all", or the name of a segment (a boolean column of the metrics table). */
  readonly segment: string
  /** Metric columns of the metrics table that are booleans (read as 0/1). */
  readonly booleanColumns?: ReadonlyArray<string>
  /**
   * Whether a table exists, for linear models' covariate tables: one lookup shared by all
   * summaries and segments of a window, so the warehouse is asked once per table.
   */
  readonly tableExists: (table: string) => Effect.Effect<boolean, WarehouseError>
}

export interface SummaryOutcome {
  readonly results: ReadonlyArray<StatisticResult>
  readonly warnings: ReadonlyArray<string>
}

export interface StatisticsSettings {
  readonly seed: number
  readonly maxBuckets?: number
}

const windowLength = (window: AnalysisWindow) => window.end - window.start + 1

/**
 * The pre-period table and window of a covariate adjustment (the summary's metric, or the
 * one the adjustment names), when that table is already computed.
 */
const covariateOf = (summary: Summary, adjustment: CovariateAdjustment, place: SummaryPlace) =>
  Effect.gen(function* () {
    const { period } = adjustment
    const table = metricsTableName(place.configuration.experiment.slug, place.basis, period, 1)
    if (!(yield* place.tableExists(table))) {
      return {
        covariate: undefined,
        warning: `no ${period} metrics (${table}) yet: ${summary.statistic.name} left unadjusted`,
      }
    }
    const covariate = {
      table,
      metric: adjustment.metric ?? summary.metric.name,
      windowStart: preEnrollmentWindow(period).start,
    }
    return { covariate, warning: undefined }
  })

/** What one summary asks of the warehouse: its aggregate's query, and what was noticed on the way. */
export interface PushDown extends AggregateQuery {
  readonly purpose: string
  readonly warnings: ReadonlyArray<string>
}

/** The push-down a summary's statistic needs on one segment (its SQL is built here: a builder's failure fails it). */
export const pushDownFor = (
  summary: Summary,
  place: SummaryPlace,
  settings: StatisticsSettings,
): Effect.Effect<PushDown, WarehouseError | SqlBuildError> =>
  Effect.gen(function* () {
    const aggregate = aggregateRequestOf(summary.statistic)
    const request: PushDownRequest = {
      metricsTable: place.metricsTable,
      metric: summary.metric.name,
      ...(place.segment === "all" ? {} : { segment: place.segment }),
      windowStart: place.window.start,
      preTreatments: summary.preTreatments,
      analysisPeriodLength: windowLength(place.window),
      ...(place.booleanColumns === undefined ? {} : { booleanColumns: place.booleanColumns }),
    }
    const { covariate, warning } =
      aggregate.kind === "sums" && aggregate.covariate !== undefined
        ? yield* covariateOf(summary, aggregate.covariate, place)
        : { covariate: undefined, warning: undefined }
    const query = yield* aggregateQueryFor(aggregate, request, {
      maxBuckets: settings.maxBuckets ?? defaultMaxBuckets,
      ...(covariate === undefined ? {} : { covariate }),
    })
    return {
      ...query,
      purpose: `${summary.statistic.name} of ${summary.metric.name} (${place.configuration.experiment.slug}, ${place.window.period} ${place.window.index}, ${place.basis}, ${place.segment})`,
      warnings: warning === undefined ? [] : [warning],
    }
  })

/** The statistic of one summary on aggregates its push-down returned, as published rows. */
export const summaryFromAggregates = (
  summary: Summary,
  place: SummaryPlace,
  pushDown: PushDown,
  result: QueryResult,
  settings: StatisticsSettings,
): Effect.Effect<SummaryOutcome, SummaryComputationError> =>
  Effect.gen(function* () {
    const { experiment } = place.configuration
    const stream = [
      experiment.slug,
      place.window.period,
      place.window.index,
      place.basis,
      place.segment,
      summary.metric.name,
      summary.statistic.name,
    ].join("/")
    const output = yield* computeSummaryTask({
      statistic: summary.statistic,
      aggregates: pushDown.read(result),
      seed: settings.seed,
      stream,
    })
    const confidence = confidenceOf(summary.statistic)
    const results = toStatisticResults(output.rows, {
      metric: summary.metric.name,
      statistic: publishedNameOf(summary.statistic),
      segment: place.segment,
      analysisBasis: place.basis,
      windowIndex: place.window.index,
      ...(confidence === undefined ? {} : { confidence }),
    })
    return { results, warnings: [...pushDown.warnings, ...output.warnings] }
  })

/**
 * The population of each branch and segment (Jetstream's `identity` metric with the `count`
 * statistic), and for the whole population the sample-ratio mismatch test against the
 * branches' configured ratios (Slipstream's addition: point = χ², with its p-value).
 */
export const computePopulation = (
  place: Omit<SummaryPlace, "segment" | "tableExists">,
): Effect.Effect<ReadonlyArray<StatisticResult>, WarehouseError, Warehouse> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const segments = place.configuration.segments.map(({ name }) => name)
    const result = yield* warehouse.query(
      buildPopulationQuery({
        metricsTable: place.metricsTable,
        windowStart: place.window.start,
        segments,
      }),
      `population of ${place.configuration.experiment.slug} (${place.window.period} ${place.window.index}, ${place.basis})`,
    )
    const bySegment = [
      { segment: "all", counts: clientCountsFrom(result, "clients") },
      ...segments.map((segment) => ({
        segment,
        counts: clientCountsFrom(result, segmentCountColumn(segment)),
      })),
    ]
    const common = { analysis_basis: place.basis, window_index: `${place.window.index}` } as const
    const rows: StatisticResult[] = bySegment.flatMap(({ segment, counts }) =>
      [...counts].map(([branch, clients]) => ({
        metric: "identity",
        statistic: "count",
        parameter: null,
        branch,
        comparison: null,
        comparison_to_branch: null,
        ci_width: null,
        point: clients,
        lower: null,
        upper: null,
        segment,
        ...common,
      })),
    )
    const all = bySegment[0]?.counts ?? new Map<string, number>()
    const ratios = new Map(
      place.configuration.experiment.branches.map(({ slug, ratio }) => [slug, ratio]),
    )
    const test = sampleRatioMismatch(
      new Map(
        [...ratios].map(([branch, ratio]) => [branch, { enrolled: all.get(branch) ?? 0, ratio }]),
      ),
    ).test
    if (test !== undefined) {
      rows.push(
        sampleRatioResult(test, {
          segment: "all",
          analysisBasis: place.basis,
          windowIndex: place.window.index,
          referenceBranch: referenceBranchOf(place.configuration),
        }),
      )
    }
    return rows
  })
