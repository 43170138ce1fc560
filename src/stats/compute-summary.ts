import type { PreTreatment, Statistic } from "../domain/config/analysis-configuration.js"
import { binomial, conversionsOfValues } from "./binomial.js"
import { bootstrapMean } from "./bootstrap-mean.js"
import { count, sum } from "./count-sum.js"
import { decileLevels, deciles } from "./deciles.js"
import { empiricalCdf } from "./empirical-cdf.js"
import { kernelDensityEstimate } from "./kernel-density.js"
import { linearModelMean, linearModelSumsOf } from "./linear-model.js"
import { withoutIntervalsForSmallBranches } from "./minimum-clients.js"
import { orderStatisticsInBands } from "./order-statistics.js"
import { perClientDauImpact } from "./per-client-dau-impact.js"
import { populationRatio, ratioDataOf, winsorizePairs } from "./population-ratio.js"
import { applyPreTreatmentsAcrossBranches } from "./pre-treatments.js"
import { seededRandom } from "./random.js"
import type { StatisticOutput } from "./sample-summary.js"
import { confidenceOf, numberParameter } from "./summary-parameters.js"
import { defaultMaxBuckets, histogramOf, winsorize } from "./value-histogram.js"

/** One branch's per-client columns, aligned row by row. */
export interface ClientColumns {
  readonly values: Float64Array
  /** The pre-period value of the metric, for linear_model_mean's covariate adjustment. */
  readonly covariate?: Float64Array
  /** population_ratio's numerator and denominator columns. */
  readonly numerator?: Float64Array
  readonly denominator?: Float64Array
}

export interface SummaryOptions {
  readonly seed: number
  /** Names the summary (metric, segment, basis, ...) so its random streams differ from others'. */
  readonly stream: string
  /** Days in the analysis window, for normalize_over_analysis_period. */
  readonly analysisPeriodLength: number
  readonly maxBuckets?: number
}

/**
 * Rows with NaN (SQL NULL left by the pre-treatments) or an infinity in any column are
 * left out, with a warning: Jetstream would crash on them; a silent zero would be wrong.
 */
const finiteRows = (
  branch: string,
  columns: ReadonlyArray<Float64Array>,
  warnings: string[],
): ReadonlyArray<Float64Array> => {
  const length = columns[0]?.length ?? 0
  const keep: number[] = []
  for (let row = 0; row < length; row++) {
    if (columns.every((column) => Number.isFinite(column[row] ?? Number.NaN))) keep.push(row)
  }
  if (keep.length === length) return columns
  warnings.push(
    `branch ${branch}: ${length - keep.length} of ${length} clients have a null or infinite value and are left out (add remove_nulls, zero_fill or remove_indefinites to say what you mean)`,
  )
  return columns.map((column) => Float64Array.from(keep, (row) => column[row] ?? Number.NaN))
}

/**
 * Computes one summary (statistic + pre-treatments) on per-client columns: pre-treatments
 * in order (rows stay aligned across columns), then the statistic's kernel on the
 * aggregates it needs (histograms, sufficient statistics, pairs) — the same kernels the
 * warehouse's push-down aggregates feed.
 */
export const computeSummaryOnClients = (
  statistic: Statistic,
  preTreatments: ReadonlyArray<PreTreatment>,
  branches: ReadonlyMap<string, ClientColumns>,
  options: SummaryOptions,
): StatisticOutput => {
  const { parameters } = statistic
  const warnings: string[] = []
  const names = ["values", "covariate", "numerator", "denominator"] as const
  const presentIn = (data: ClientColumns) => names.filter((name) => data[name] !== undefined)
  // Jetstream pre-treats the whole segment at once (censoring quantiles over all branches).
  const treated = applyPreTreatmentsAcrossBranches(
    new Map(
      [...branches].map(([branch, data]) => [
        branch,
        presentIn(data).map((name) => data[name] ?? new Float64Array()),
      ]),
    ),
    preTreatments,
    { analysisPeriodLength: options.analysisPeriodLength },
  )
  const prepared = new Map<string, ClientColumns>()
  for (const [branch, data] of branches) {
    const present = presentIn(data)
    const finite = finiteRows(branch, treated.get(branch) ?? [], warnings)
    const column = (name: (typeof names)[number]) => {
      const index = present.indexOf(name)
      return index < 0 ? undefined : finite[index]
    }
    const covariate = column("covariate")
    const numerator = column("numerator")
    const denominator = column("denominator")
    prepared.set(branch, {
      values: column("values") ?? new Float64Array(),
      ...(covariate === undefined ? {} : { covariate }),
      ...(numerator === undefined ? {} : { numerator }),
      ...(denominator === undefined ? {} : { denominator }),
    })
  }
  const randomFor = (branch: string) => seededRandom(options.seed, `${options.stream}/${branch}`)
  const confidence = confidenceOf(statistic) ?? 0.95
  const numSamples = numberParameter(parameters, "num_samples", 10_000)
  const maxBuckets = options.maxBuckets ?? defaultMaxBuckets
  const each = <A>(derive: (data: ClientColumns) => A): ReadonlyMap<string, A> =>
    new Map([...prepared].map(([branch, data]) => [branch, derive(data)]))

  const output = ((): StatisticOutput => {
    switch (statistic.name) {
      case "bootstrap_mean": {
        const cap = 1 - numberParameter(parameters, "drop_highest", 0.005)
        return bootstrapMean(
          each((data) => histogramOf(winsorize(data.values, cap), maxBuckets)),
          { numSamples, confidence },
          randomFor,
        )
      }
      case "binomial":
        return binomial(
          each((data) => conversionsOfValues(data.values)),
          { confidence, numSamples },
          randomFor,
        )
      case "deciles":
        return deciles(
          each((data) => orderStatisticsInBands(data.values, decileLevels)),
          { numSamples, confidence },
          randomFor,
        )
      case "linear_model_mean":
      case "per_client_dau_impact": {
        const dropHighest = numberParameter(
          parameters,
          "drop_highest",
          statistic.name === "linear_model_mean" ? 0.005 : 0,
        )
        const sums = each((data) =>
          linearModelSumsOf(
            winsorize(data.values, 1 - dropHighest),
            typeof parameters.covariate_adjustment === "object" ? data.covariate : undefined,
          ),
        )
        return statistic.name === "linear_model_mean"
          ? linearModelMean(sums, { confidence })
          : perClientDauImpact(sums, { confidence })
      }
      case "population_ratio": {
        const dropHighest = numberParameter(parameters, "drop_highest", 0.005)
        return populationRatio(
          each((data) => {
            const [numerators, denominators] = winsorizePairs(
              data.numerator ?? new Float64Array(),
              data.denominator ?? new Float64Array(),
              dropHighest,
            )
            return ratioDataOf(numerators, denominators, maxBuckets)
          }),
          { numSamples, confidence },
          randomFor,
        )
      }
      case "kernel_density_estimate":
        return kernelDensityEstimate(
          each((data) => data.values),
          parameters,
        )
      case "empirical_cdf":
        return empiricalCdf(
          each((data) => data.values),
          parameters,
        )
      case "count":
        return count(each((data) => data.values.length))
      case "sum":
        return sum(each((data) => data.values.reduce((total, value) => total + value, 0)))
    }
  })()
  const clients = each((data) =>
    statistic.name === "population_ratio"
      ? (data.numerator?.length ?? data.values.length)
      : data.values.length,
  )
  return withoutIntervalsForSmallBranches(statistic.name, clients, {
    rows: output.rows,
    warnings: [...warnings, ...output.warnings],
    ...(output.refused === undefined ? {} : { refused: output.refused }),
  })
}
