import type { StatisticResult } from "../domain/statistic-result.js"
import { effectDirection } from "./forest-plot.js"
import { formatNumber, formatPercent, formatSigned, missing, rawNumber } from "./format.js"
import { type Html, html } from "./html.js"

/**
 * A table cell for one result row: the point and interval rounded for reading, and the
 * row's exact values and coordinates in data attributes, so that a program (or the browser
 * test) can find any number of the page in the published JSON. A null number is "" in its
 * attribute.
 */

export type CellComparison = "none" | NonNullable<StatisticResult["comparison"]>

const formats: Readonly<Record<CellComparison, (value: number | null) => string>> = {
  none: formatNumber,
  difference: formatSigned,
  relative_uplift: formatPercent,
  // A probability, shown as a percentage until the report displays it properly.
  chance_to_beat: formatPercent,
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
  const pValue =
    typeof row.p_value === "number" && html`<span class="p">p = ${formatNumber(row.p_value)}</span>`
  return html`<td class="interval effect-${direction}" ${rowAttributes(row, period)} data-point="${rawNumber(row.point)}" data-lower="${rawNumber(row.lower)}" data-upper="${rawNumber(row.upper)}"><span class="value">${format(row.point)}</span>${interval}${pValue}</td>`
}
