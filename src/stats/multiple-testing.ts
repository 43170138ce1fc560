import type { StatisticResult } from "../domain/statistic-result.js"

/**
 * How p-values are adjusted for the many comparisons an experiment makes:
 * - `holm`: Holm's step-down method controls the family-wise error rate (the chance of any
 *   false positive) under any dependence between the tests;
 * - `benjamini_hochberg`: controls the false discovery rate (the expected share of false
 *   positives among what is declared significant), for independent or positively dependent
 *   tests;
 * - `none`: p-values as they are.
 */
export const multipleTestingMethods = ["holm", "benjamini_hochberg", "none"] as const
export type MultipleTestingMethod = (typeof multipleTestingMethods)[number]

/** Indexes of `pValues` by increasing p-value (ties in input order). */
const ascending = (pValues: ReadonlyArray<number>): number[] =>
  pValues.map((_, index) => index).sort((a, b) => (pValues[a] ?? 0) - (pValues[b] ?? 0) || a - b)

/**
 * Holm's adjusted p-values: with p₍₁₎ ≤ … ≤ p₍ₘ₎, p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎)
 * (Holm 1979; R's p.adjust(method = "holm"), statsmodels' multipletests "holm").
 */
export const holmAdjusted = (pValues: ReadonlyArray<number>): number[] => {
  const m = pValues.length
  const adjusted = new Array<number>(m)
  let running = 0
  ascending(pValues).forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (pValues[index] ?? 1)))
    adjusted[index] = running
  })
  return adjusted
}

/**
 * Benjamini–Hochberg adjusted p-values (q-values): p̃₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎/j)
 * (Benjamini & Hochberg 1995; R's p.adjust(method = "BH"), statsmodels' "fdr_bh").
 */
export const benjaminiHochbergAdjusted = (pValues: ReadonlyArray<number>): number[] => {
  const m = pValues.length
  const adjusted = new Array<number>(m)
  const order = ascending(pValues)
  let running = 1
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank] ?? 0
    running = Math.min(running, (m * (pValues[index] ?? 1)) / (rank + 1))
    adjusted[index] = running
  }
  return adjusted
}

const adjusters: Record<
  Exclude<MultipleTestingMethod, "none">,
  (pValues: ReadonlyArray<number>) => number[]
> = {
  holm: holmAdjusted,
  benjamini_hochberg: benjaminiHochbergAdjusted,
}

/**
 * The family a row's p-value is adjusted within, or undefined when it is in none: comparisons
 * against the reference branch with a p-value, grouped by segment, analysis basis, window,
 * comparison (difference, relative uplift) and statistic. Within a family are the metrics and
 * the branches: the many looks that make a chance finding likely. A statistic is its own
 * family, so two statistics of one metric (t_test and mean_lm both testing its mean) do not
 * count one hypothesis twice.
 */
const familyOf = (row: StatisticResult, referenceBranch: string): string | undefined =>
  typeof row.p_value === "number" &&
  Number.isFinite(row.p_value) &&
  (row.comparison === "difference" || row.comparison === "relative_uplift") &&
  row.comparison_to_branch === referenceBranch &&
  row.branch !== referenceBranch
    ? JSON.stringify([
        row.segment,
        row.analysis_basis,
        row.window_index,
        row.comparison,
        row.statistic,
        row.parameter,
      ])
    : undefined

/**
 * `rows` with `p_value_adjusted` on each comparison against `referenceBranch` that has a
 * p-value, adjusted by `method` within its family (`familyOf`); other rows as they are (and
 * every row, with `none`, without the field).
 */
export const withAdjustedPValues = (
  rows: ReadonlyArray<StatisticResult>,
  method: MultipleTestingMethod,
  referenceBranch: string,
): ReadonlyArray<StatisticResult> => {
  const unadjusted = rows.map(({ p_value_adjusted: _adjusted, ...row }) => row)
  if (method === "none") return unadjusted
  const families = new Map<string, number[]>()
  unadjusted.forEach((row, index) => {
    const family = familyOf(row, referenceBranch)
    if (family === undefined) return
    const members = families.get(family)
    if (members === undefined) families.set(family, [index])
    else members.push(index)
  })
  const adjustedAt = new Map<number, number>()
  for (const members of families.values()) {
    const adjusted = adjusters[method](members.map((index) => unadjusted[index]?.p_value ?? 1))
    members.forEach((index, position) => {
      adjustedAt.set(index, adjusted[position] ?? 1)
    })
  }
  return unadjusted.map((row, index) => {
    const adjusted = adjustedAt.get(index)
    return adjusted === undefined ? row : { ...row, p_value_adjusted: adjusted }
  })
}
