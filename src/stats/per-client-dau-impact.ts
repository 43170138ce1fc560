import type { EstimateRow } from "./estimate.js"
import {
  type LinearModelParameters,
  type LinearModelSums,
  linearModelMean,
} from "./linear-model.js"
import type { StatisticOutput } from "./sample-summary.js"

export interface PerClientDauImpactParameters extends LinearModelParameters {
  /**
   * The clients the impact is scaled to: Jetstream takes `len(df)`, every client of every
   * branch in the analysed segment and basis, including those whose metric is null. Defaults
   * to Σ n over all branches, which is the same when no client was dropped for a missing value.
   */
  readonly enrolledClients?: number
}

/**
 * Jetstream's per_client_dau_impact: the linear model of per-client days of use
 * (`linearModelMean`), with each absolute difference — point and bounds — multiplied by the
 * number of clients enrolled in the whole experiment, N:
 *
 *   impact(f vs r) = N·(μ̂_f − μ̂_r),  interval N·[lower, upper]
 *
 * read as the days of use gained if branch f were shipped to the experiment's population. The
 * relative uplifts are kept as they are; the branches' own means are left out, since an
 * absolute level that depends on the enrolment count means nothing outside this experiment.
 * A p-value does not change with the scale, so it is kept.
 */
export const perClientDauImpact = (
  sumsByBranch: ReadonlyMap<string, LinearModelSums>,
  parameters: PerClientDauImpactParameters,
): StatisticOutput => {
  let enrolled = 0
  for (const { n } of sumsByBranch.values()) enrolled += n
  const scale = parameters.enrolledClients ?? enrolled
  if (!(Number.isFinite(scale) && scale >= 0)) {
    return { rows: [], warnings: [`${scale} enrolled clients is not a count: nothing estimated`] }
  }
  const { rows, warnings } = linearModelMean(sumsByBranch, parameters)
  const scaled: EstimateRow[] = []
  for (const row of rows) {
    if (row.comparison === "relative_uplift") {
      scaled.push(row)
    } else if (row.comparison === "difference") {
      scaled.push({
        ...row,
        point: row.point * scale,
        ...(row.lower === undefined ? {} : { lower: row.lower * scale }),
        ...(row.upper === undefined ? {} : { upper: row.upper * scale }),
      })
    }
  }
  return { rows: scaled, warnings }
}
