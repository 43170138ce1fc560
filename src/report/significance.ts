import type { StatisticResult } from "../domain/statistic-result.js"
import type { MultipleTestingMethod } from "../stats/multiple-testing.js"

/**
 * Whether a comparison is significant, as the report marks it. A p-value is held to the
 * level its row's interval is at (1 − ci_width: 0.05 beside a 95% interval), so the mark and
 * the interval tell the same story. Where the row carries a p-value adjusted for multiple
 * comparisons, the adjusted one decides; a raw p-value below the level whose adjusted one is
 * not is the case the correction exists for, and is marked as such.
 */

export interface Significance {
  readonly kind: "significant" | "not significant after correction" | "not significant"
  /** What the p-value is held to. */
  readonly level: number
  readonly pValue: number
  /** The p-value adjusted for multiple comparisons, which decides when there is one. */
  readonly adjusted: number | undefined
}

const isNumber = (value: number | null | undefined): value is number =>
  typeof value === "number" && Number.isFinite(value)

/** 1 − the row's interval level, 0.05 when it has none. */
export const significanceLevel = (row: StatisticResult): number =>
  isNumber(row.ci_width) && row.ci_width > 0 && row.ci_width < 1
    ? // Rounded: 1 − 0.95 is 0.050000000000000044, which would count p = 0.05 as below it.
      Math.round((1 - row.ci_width) * 1e12) / 1e12
    : 0.05

/** The verdict on a row's p-value; undefined when the row has none. */
export const significanceOf = (row: StatisticResult): Significance | undefined => {
  const pValue = row.p_value
  if (!isNumber(pValue)) return undefined
  const level = significanceLevel(row)
  const adjusted = isNumber(row.p_value_adjusted) ? row.p_value_adjusted : undefined
  const kind =
    (adjusted ?? pValue) < level
      ? "significant"
      : pValue < level
        ? "not significant after correction"
        : "not significant"
  return { kind, level, pValue, adjusted }
}

/** The method's name and what it controls, for a reader. */
export const multipleTestingWords: Readonly<
  Record<Exclude<MultipleTestingMethod, "none">, string>
> = {
  holm: "Holm's method, which bounds the chance of any false positive",
  benjamini_hochberg:
    "the Benjamini–Hochberg method, which bounds the expected share of false positives among the significant",
}

/** Whether any row carries an adjusted p-value. */
export const hasAdjustedPValues = (rows: ReadonlyArray<StatisticResult>): boolean =>
  rows.some((row) => isNumber(row.p_value_adjusted))

/** Whether any comparison carries a p-value (the sample-ratio test's is not one). */
export const hasComparisonPValues = (rows: ReadonlyArray<StatisticResult>): boolean =>
  rows.some((row) => row.comparison !== null && isNumber(row.p_value))
