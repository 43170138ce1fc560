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
import { Warehouse, type WarehouseError } from "../services/warehouse/warehouse.js"
import { identifier } from "../sql/identifiers.js"
import {
  buildHistogramQuery,
  buildRatioSumsQuery,
  buildSufficientStatisticsQuery,
  type PushDownRequest,
  winsorizeQuantileFor,
} from "../sql/push-down-query.js"
import { sampleRatioMismatch } from "../stats/sample-ratio.js"
import { sampleRatioResult, toStatisticResults } from "../stats/statistic-results.js"
import type { BranchAggregates } from "../stats/summary-on-aggregates.js"
import { confidenceOf } from "../stats/summary-parameters.js"
import { defaultMaxBuckets, totalCount } from "../stats/value-histogram.js"
import { clientCountsFrom, histogramsFrom, ratiosFrom, sumsFrom } from "./push-down-aggregates.js"

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
    const warehouse = yield* Warehouse
    if (!(yield* warehouse.tableExists(table))) {
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

/** The aggregates a summary's statistic needs, pushed down to the warehouse. */
const aggregatesFor = (summary: Summary, place: SummaryPlace, settings: StatisticsSettings) =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
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
    const aggregates = new Map<string, BranchAggregates>()
    const warnings: string[] = []
    switch (summary.statistic.name) {
      case "bootstrap_mean":
      case "binomial":
      case "deciles":
      case "kernel_density_estimate":
      case "empirical_cdf": {
        const result = yield* warehouse.query(
          buildHistogramQuery(request, settings.maxBuckets ?? defaultMaxBuckets),
          purpose,
        )
        for (const [branch, histogram] of histogramsFrom(result)) {
          aggregates.set(branch, { clients: totalCount(histogram), histogram })
        }
        break
      }
      case "population_ratio": {
        const { numerator, denominator } = summary.statistic.parameters
        const result = yield* warehouse.query(
          buildRatioSumsQuery(request, String(numerator), String(denominator)),
          purpose,
        )
        for (const [branch, ratio] of ratiosFrom(result)) {
          aggregates.set(branch, { clients: ratio.kind === "sums" ? ratio.clients : 0, ratio })
        }
        break
      }
      default: {
        const { covariate, warning } =
          summary.statistic.name === "linear_model_mean"
            ? yield* covariateOf(summary, place)
            : { covariate: undefined, warning: undefined }
        if (warning !== undefined) warnings.push(warning)
        const result = yield* warehouse.query(
          buildSufficientStatisticsQuery(request, covariate),
          purpose,
        )
        for (const [branch, sums] of sumsFrom(result))
          aggregates.set(branch, { clients: sums.n, sums })
      }
    }
    return { aggregates, warnings }
  })

/** One summary on one segment: push-down, then the statistic, as published rows. */
export const computeSummary = (
  summary: Summary,
  place: SummaryPlace,
  settings: StatisticsSettings,
): Effect.Effect<SummaryOutcome, WarehouseError | SummaryComputationError, Warehouse> =>
  Effect.gen(function* () {
    const { aggregates, warnings } = yield* aggregatesFor(summary, place, settings)
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
      aggregates,
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
    return { results, warnings: [...warnings, ...output.warnings] }
  })

/**
 * The population of each branch and segment (Jetstream's `identity` metric with the `count`
 * statistic), and for the whole population the sample-ratio mismatch test against the
 * branches' configured ratios (Slipstream's addition: point = χ², with its p-value).
 */
export const computePopulation = (
  place: Omit<SummaryPlace, "segment">,
): Effect.Effect<ReadonlyArray<StatisticResult>, WarehouseError, Warehouse> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const segments = place.configuration.segments.map(({ name }) => name)
    const counts = segments
      .map(
        (segment) => `,\n  COUNTIF(${identifier(segment)}) AS ${identifier(`segment_${segment}`)}`,
      )
      .join("")
    const result = yield* warehouse.query(
      `SELECT branch, COUNT(*) AS clients${counts}
FROM ${identifier(place.metricsTable)}
WHERE analysis_window_start = ${Math.trunc(place.window.start)}
GROUP BY branch
ORDER BY branch`,
      `population of ${place.configuration.experiment.slug} (${place.window.period} ${place.window.index}, ${place.basis})`,
    )
    const bySegment = [
      { segment: "all", counts: clientCountsFrom(result, "clients") },
      ...segments.map((segment) => ({
        segment,
        counts: clientCountsFrom(result, `segment_${segment}`),
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
        }),
      )
    }
    return rows
  })
