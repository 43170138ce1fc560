import type { EstimateRow } from "../../src/stats/estimate.js"

/**
 * How far one result's rows sit from a reference's, as fractions of the reference interval's
 * width, next to the Monte Carlo error two independent bootstraps of S₁ and S₂ draws have
 * between them: for the point (a mean of draws) sd·√(1/S₁ + 1/S₂), for a 95% bound (a
 * quantile of draws) √(0.025·0.975)/φ(1.96)·sd·√(1/S₁ + 1/S₂), with sd = width / 3.92.
 */
export interface Distance {
  readonly rows: number
  readonly point: number
  readonly lower: number
  readonly upper: number
  /** Monte Carlo standard errors, as fractions of the width. */
  readonly pointError: number
  readonly boundError: number
  /** Point or bound values beyond 3 standard errors, of `3 × rows`. */
  readonly beyondThree: number
}

const keyOf = (row: EstimateRow) =>
  `${row.branch}|${row.comparison ?? ""}|${row.comparisonToBranch ?? ""}|${row.parameter ?? ""}`

export const distance = (
  result: ReadonlyArray<EstimateRow>,
  reference: ReadonlyArray<EstimateRow>,
  samples: { readonly result: number; readonly reference: number },
): Distance => {
  const byKey = new Map(result.map((row) => [keyOf(row), row]))
  const spread = Math.sqrt(1 / samples.result + 1 / samples.reference)
  const pointError = spread / 3.919928
  const boundError = (Math.sqrt(0.025 * 0.975) / 0.058445) * (spread / 3.919928)
  let rows = 0
  let beyondThree = 0
  const worst = { point: 0, lower: 0, upper: 0 }
  for (const exact of reference) {
    const other = byKey.get(keyOf(exact))
    if (other === undefined) throw new Error(`no row ${keyOf(exact)} in the result`)
    const width = (exact.upper ?? Number.NaN) - (exact.lower ?? Number.NaN)
    if (!(width > 0)) continue
    rows++
    const gaps = {
      point: Math.abs(other.point - exact.point) / width,
      lower: Math.abs((other.lower ?? Number.NaN) - (exact.lower ?? Number.NaN)) / width,
      upper: Math.abs((other.upper ?? Number.NaN) - (exact.upper ?? Number.NaN)) / width,
    }
    if (gaps.point > 3 * pointError) beyondThree++
    if (gaps.lower > 3 * boundError) beyondThree++
    if (gaps.upper > 3 * boundError) beyondThree++
    worst.point = Math.max(worst.point, gaps.point)
    worst.lower = Math.max(worst.lower, gaps.lower)
    worst.upper = Math.max(worst.upper, gaps.upper)
  }
  return { rows, ...worst, pointError, boundError, beyondThree }
}
