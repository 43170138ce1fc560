import { Effect } from "effect"
import {
  type AnalysisBasis,
  type AnalysisWindow,
  type PreEnrollmentPeriod,
  preEnrollmentPeriods,
  preEnrollmentWindow,
} from "../domain/analysis-period.js"
import type { AnalysisConfiguration, Summary } from "../domain/config/analysis-configuration.js"
import { publishedStatisticName, type StatisticResult } from "../domain/statistic-result.js"
import { metricsTableName } from "../domain/table-names.js"
import { computeSummaryTask, type SummaryComputationError } from "../services/summary-computer.js"
import {
  type QueryResult,
  Warehouse,
  type WarehouseError,
} from "../services/warehouse/warehouse.js"
import { buildPopulationQuery, segmentCountColumn } from "../sql/population-query.js"
import {
  buildHistogramQuery,
  buildOrderStatisticsQuery,
  buildRatioSumsQuery,
  buildSufficientStatisticsQuery,
  type PushDownRequest,
  winsorizeQuantileFor,
} from "../sql/push-down-query.js"
import type { SqlBuildError } from "../sql/sql-build-error.js"
import { decileLevels } from "../stats/deciles.js"
import { sampleRatioMismatch } from "../stats/sample-ratio.js"
import { sampleRatioResult, toStatisticResults } from "../stats/statistic-results.js"
import type { BranchAggregates } from "../stats/summary-on-aggregates.js"
import { confidenceOf } from "../stats/summary-parameters.js"
import { defaultMaxBuckets, totalCount } from "../stats/value-histogram.js"
import {
  clientCountsFrom,
  histogramsFrom,
  orderStatisticsFrom,
  ratiosFrom,
  sumsFrom,
} from "./push-down-aggregates.js"

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

const isPreEnrollmentPeriod = (period: unknown): period is PreEnrollmentPeriod =>
  preEnrollmentPeriods.some((known) => known === period)

/** linear_model_mean's pre-period table and window, when configured and already computed. */
const covariateOf = (summary: Summary, place: SummaryPlace) =>
  Effect.gen(function* () {
    const adjustment = summary.statistic.parameters.covariate_adjustment
    if (typeof adjustment !== "object" || adjustment === null || !("period" in adjustment)) {
      return { covariate: undefined, warning: undefined }
    }
    const period = adjustment.period
    if (!isPreEnrollmentPeriod(period)) {
      return {
        covariate: undefined,
        warning: `covariate period ${String(period)} is not a pre-enrollment period: unadjusted`,
      }
    }
    const table = metricsTableName(place.configuration.experiment.slug, place.basis, period, 1)
    if (!(yield* place.tableExists(table))) {
      return {
        covariate: undefined,
        warning: `no ${period} metrics (${table}) yet: linear model left unadjusted`,
      }
    }
    const covariate = {
      table,
      metric: summary.metric.name,
      windowStart: preEnrollmentWindow(period).start,
    }
    return { covariate, warning: undefined }
  })

/**
 * What one summary asks of the warehouse: its query, how to read the rows back into
 * aggregates per branch, and what was noticed on the way. Queries of one `shape` return the
 * same columns, so several can share one warehouse query (batched-push-down.ts); `orderBy`
 * names the columns the rows must be read in.
 */
export interface PushDown {
  readonly shape: "histogram" | "order_statistics" | "sums" | "sums_with_covariate" | "ratio_sums"
  readonly sql: string
  readonly orderBy: ReadonlyArray<string>
  readonly purpose: string
  readonly read: (result: QueryResult) => ReadonlyMap<string, BranchAggregates>
  readonly warnings: ReadonlyArray<string>
}

/** The push-down a summary's statistic needs on one segment (its SQL is built here: a builder's failure fails it). */
export const pushDownFor = (
  summary: Summary,
  place: SummaryPlace,
  settings: StatisticsSettings,
): Effect.Effect<PushDown, WarehouseError | SqlBuildError> =>
  Effect.gen(function* () {
    const winsorizeAt = winsorizeQuantileFor(summary.statistic)
    const request: PushDownRequest = {
      metricsTable: place.metricsTable,
      metric: summary.metric.name,
      ...(place.segment === "all" ? {} : { segment: place.segment }),
      windowStart: place.window.start,
      preTreatments: summary.preTreatments,
      analysisPeriodLength: windowLength(place.window),
      ...(winsorizeAt === undefined ? {} : { winsorizeAt }),
      ...(place.booleanColumns === undefined ? {} : { booleanColumns: place.booleanColumns }),
    }
    const purpose = `${summary.statistic.name} of ${summary.metric.name} (${place.configuration.experiment.slug}, ${place.window.period} ${place.window.index}, ${place.basis}, ${place.segment})`
    switch (summary.statistic.name) {
      case "deciles":
        return {
          shape: "order_statistics",
          sql: yield* buildOrderStatisticsQuery(request, decileLevels),
          orderBy: ["branch", "value"],
          purpose,
          read: (result) =>
            new Map(
              [...orderStatisticsFrom(result)].map(([branch, orderStatistics]) => [
                branch,
                { clients: orderStatistics.n, orderStatistics },
              ]),
            ),
          warnings: [],
        }
      case "bootstrap_mean":
      case "binomial":
      case "kernel_density_estimate":
      case "empirical_cdf":
        return {
          shape: "histogram",
          sql: yield* buildHistogramQuery(request, settings.maxBuckets ?? defaultMaxBuckets),
          orderBy: ["branch", "kind", "value", "bucket"],
          purpose,
          read: (result) =>
            new Map(
              [...histogramsFrom(result)].map(([branch, histogram]) => [
                branch,
                { clients: totalCount(histogram), histogram },
              ]),
            ),
          warnings: [],
        }
      case "population_ratio": {
        const { numerator, denominator } = summary.statistic.parameters
        return {
          shape: "ratio_sums",
          sql: yield* buildRatioSumsQuery(request, String(numerator), String(denominator)),
          orderBy: ["branch"],
          purpose,
          read: (result) =>
            new Map(
              [...ratiosFrom(result)].map(([branch, ratio]) => [
                branch,
                { clients: ratio.kind === "sums" ? ratio.clients : 0, ratio },
              ]),
            ),
          warnings: [],
        }
      }
      default: {
        const { covariate, warning } =
          summary.statistic.name === "linear_model_mean"
            ? yield* covariateOf(summary, place)
            : { covariate: undefined, warning: undefined }
        return {
          shape: covariate === undefined ? "sums" : "sums_with_covariate",
          sql: yield* buildSufficientStatisticsQuery(request, covariate),
          orderBy: ["branch"],
          purpose,
          read: (result) =>
            new Map(
              [...sumsFrom(result)].map(([branch, sums]) => [branch, { clients: sums.n, sums }]),
            ),
          warnings: warning === undefined ? [] : [warning],
        }
      }
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
      statistic: publishedStatisticName[summary.statistic.name],
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
          referenceBranch:
            place.configuration.referenceBranch ??
            place.configuration.experiment.referenceBranch ??
            [...ratios.keys()][0] ??
            "control",
        }),
      )
    }
    return rows
  })
