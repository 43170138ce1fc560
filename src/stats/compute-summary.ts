import type { PreTreatment } from "../domain/pre-treatment-catalogue.js"
import { type Statistic, statisticOnClients } from "./catalogue/statistic-catalogue.js"
import type { ClientColumns } from "./catalogue/statistic-descriptor.js"
import { applyPreTreatmentsAcrossBranches } from "./pre-treatments.js"
import { seededRandom } from "./random.js"
import type { StatisticOutput } from "./sample-summary.js"
import { defaultMaxBuckets } from "./value-histogram.js"

export type { ClientColumns } from "./catalogue/statistic-descriptor.js"

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
  // Plain loops: this runs over every client of every branch (a million rows per summary).
  const keep = new Uint8Array(length).fill(1)
  let kept = length
  for (const column of columns) {
    for (let row = 0; row < length; row++) {
      if (keep[row] === 1 && !Number.isFinite(column[row] ?? Number.NaN)) {
        keep[row] = 0
        kept--
      }
    }
  }
  if (kept === length) return columns
  warnings.push(
    `branch ${branch}: ${length - kept} of ${length} clients have a null or infinite value and are left out (add remove_nulls, zero_fill or remove_indefinites to say what you mean)`,
  )
  return columns.map((column) => {
    const finite = new Float64Array(kept)
    let next = 0
    for (let row = 0; row < length; row++) {
      if (keep[row] === 1) finite[next++] = column[row] ?? Number.NaN
    }
    return finite
  })
}

const columnNames = ["values", "covariate", "numerator", "denominator"] as const

/** A branch's columns after the pre-treatments, without the rows left with a null or infinity. */
const preparedBranches = (
  branches: ReadonlyMap<string, ClientColumns>,
  preTreatments: ReadonlyArray<PreTreatment>,
  analysisPeriodLength: number,
  warnings: string[],
): ReadonlyMap<string, ClientColumns> => {
  const presentIn = (data: ClientColumns) => columnNames.filter((name) => data[name] !== undefined)
  // Jetstream pre-treats the whole segment at once (censoring quantiles over all branches).
  const treated = applyPreTreatmentsAcrossBranches(
    new Map(
      [...branches].map(([branch, data]) => [
        branch,
        presentIn(data).map((name) => data[name] ?? new Float64Array()),
      ]),
    ),
    preTreatments,
    { analysisPeriodLength },
  )
  return new Map(
    [...branches].map(([branch, data]) => {
      const present = presentIn(data)
      const finite = finiteRows(branch, treated.get(branch) ?? [], warnings)
      const column = (name: (typeof columnNames)[number]) => {
        const index = present.indexOf(name)
        return index < 0 ? undefined : finite[index]
      }
      const covariate = column("covariate")
      const numerator = column("numerator")
      const denominator = column("denominator")
      const prepared: ClientColumns = {
        values: column("values") ?? new Float64Array(),
        ...(covariate === undefined ? {} : { covariate }),
        ...(numerator === undefined ? {} : { numerator }),
        ...(denominator === undefined ? {} : { denominator }),
      }
      return [branch, prepared]
    }),
  )
}

/**
 * Computes one summary (statistic + pre-treatments) on per-client columns: pre-treatments
 * in order (rows stay aligned across columns), then the statistic's kernel on the
 * aggregates it makes of them (histograms, sufficient statistics, pairs) — the same kernels
 * the warehouse's push-down aggregates feed.
 */
export const computeSummaryOnClients = (
  statistic: Statistic,
  preTreatments: ReadonlyArray<PreTreatment>,
  branches: ReadonlyMap<string, ClientColumns>,
  options: SummaryOptions,
): StatisticOutput => {
  const warnings: string[] = []
  const prepared = preparedBranches(branches, preTreatments, options.analysisPeriodLength, warnings)
  const output = statisticOnClients(statistic, prepared, {
    randomFor: (branch) => seededRandom(options.seed, `${options.stream}/${branch}`),
    maxBuckets: options.maxBuckets ?? defaultMaxBuckets,
  })
  return { ...output, warnings: [...warnings, ...output.warnings] }
}
