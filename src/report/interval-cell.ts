import type { StatisticResult } from "../domain/statistic-result.js"
import { effectDirection } from "./forest-plot.js"
import {
  formatNumber,
  formatPercent,
  formatProbability,
  formatPValue,
  formatSigned,
  missing,
  rawNumber,
} from "./format.js"
import { type Html, html } from "./html.js"
import { significanceOf } from "./significance.js"

/**
 * A table cell for one result row: the point and interval rounded for reading, and the
 * row's exact values and coordinates in data attributes, so that a program (or the browser
 * test) can find any number of the page in the published JSON. A null number is "" in its
 * attribute. A comparison with a p-value shows it (and its adjusted value, when published)
 * with a mark when it is significant, or when it is only before correction.
 */

export type CellComparison = "none" | NonNullable<StatisticResult["comparison"]>

const formats: Readonly<Record<CellComparison, (value: number | null) => string>> = {
  none: formatNumber,
  difference: formatSigned,
  relative_uplift: formatPercent,
  // A probability, not a change: no sign.
  chance_to_beat: formatProbability,
}

/** The data attributes that place a row: which metric, statistic, branch, window, ... */
export const rowAttributes = (row: StatisticResult, period: string): Html =>
  html`data-metric="${row.metric}" data-statistic="${row.statistic}" data-branch="${row.branch}" data-comparison="${row.comparison ?? "none"}"${row.comparison_to_branch === null ? "" : html` data-comparison-to-branch="${row.comparison_to_branch}"`} data-segment="${row.segment}" data-basis="${row.analysis_basis}" data-period="${period}" data-window="${row.window_index}"${row.parameter === null ? "" : html` data-parameter="${String(row.parameter)}"`}`

/** The cell of a row, or a dash when there is no row. */
export const intervalCell = (
  row: StatisticResult | undefined,
  period: string,
  biggerIsBetter: boolean,
): Html => {
  if (row === undefined) return html`<td class="interval missing">${missing}</td>`
  const comparison: CellComparison = row.comparison ?? "none"
  // The JSON is not type-checked: an unknown comparison still renders, as a plain number.
  const format = formats[comparison] ?? formatNumber
  const direction =
    comparison === "none" ? "none" : effectDirection(row.lower, row.upper, biggerIsBetter)
  const interval =
    row.lower === null && row.upper === null
      ? false
      : html`<span class="ci">[${format(row.lower)}, ${format(row.upper)}]</span>`
  const pAttributes = html`${typeof row.p_value === "number" && html` data-p-value="${rawNumber(row.p_value)}"`}${typeof row.p_value_adjusted === "number" && html` data-p-value-adjusted="${rawNumber(row.p_value_adjusted)}"`}`
  return html`<td class="interval effect-${direction}" ${rowAttributes(row, period)} data-point="${rawNumber(row.point)}" data-lower="${rawNumber(row.lower)}" data-upper="${rawNumber(row.upper)}"${pAttributes}><span class="value">${format(row.point)}</span>${interval && html` ${interval}`}${pValueLine(row)}${significanceMark(row)}</td>`
}

/** "p = 0.0123", or "p < 0.0001". */
const pIs = (value: number): string => {
  const text = formatPValue(value)
  return text.startsWith("<") ? `p ${text}` : `p = ${text}`
}

/** "p = 0.012 · adj. 0.036": the raw p-value, then the adjusted one when published. */
const pValueLine = (row: StatisticResult): Html | false =>
  typeof row.p_value === "number" &&
  html` <span class="p">${pIs(row.p_value)}${typeof row.p_value_adjusted === "number" && ` · adj. ${formatPValue(row.p_value_adjusted)}`}</span>`

/** Words, not colour alone: the mark says what it means, and its title why. */
const significanceMark = (row: StatisticResult): Html | false => {
  const verdict = significanceOf(row)
  if (verdict === undefined || verdict.kind === "not significant") return false
  const level = formatNumber(verdict.level)
  const raw = pIs(verdict.pValue)
  const adjusted = verdict.adjusted === undefined ? undefined : `adjusted ${pIs(verdict.adjusted)}`
  if (verdict.kind === "significant") {
    const why =
      adjusted === undefined
        ? `Significant: ${raw}, below ${level} (not adjusted for multiple comparisons).`
        : `Significant after correction for multiple comparisons: ${adjusted}, below ${level}.`
    return html` <strong class="significance significant" title="${why}">significant</strong>`
  }
  const why = `${raw} is below ${level}, but ${adjusted ?? "the adjusted p-value"} is not: with this many comparisons, a difference this size may be a chance finding.`
  return html` <span class="significance uncorrected" title="${why}">not significant after correction</span>`
}
