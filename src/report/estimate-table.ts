import type { StatisticResult } from "../domain/statistic-result.js"
import type { ChartContext } from "./curves.js"
import { windowsChart } from "./curves.js"
import { forestPlot } from "./forest-plot.js"
import { formatPercent, formatSigned } from "./format.js"
import { type Html, html } from "./html.js"
import { intervalCell } from "./interval-cell.js"
import { latestWindowRows, preferredComparison, windowsOf } from "./rows.js"
import type { StatisticTag } from "./statistic-names.js"

/**
 * One statistic of one metric on one basis, as one number per branch: a table of each
 * branch's estimate and its difference and relative uplift against the reference (and its
 * chance to beat the reference, for a Bayesian statistic), a forest plot of the comparison,
 * and — for a time series — the uplift over the windows. The table holds the latest window:
 * the one with the most data.
 */

export interface EstimateContext extends ChartContext {
  readonly period: string
  readonly biggerIsBetter: boolean
  /** What this block shows, e.g. "Mean (bootstrap) · enrollments". */
  readonly title: string
  /** What the statistic's intervals are, when that needs saying (always-valid ones). */
  readonly tag?: StatisticTag
}

const find = (
  rows: ReadonlyArray<StatisticResult>,
  branch: string,
  comparison: StatisticResult["comparison"],
  reference: string,
): StatisticResult | undefined =>
  rows.find(
    (row) =>
      row.branch === branch &&
      row.comparison === comparison &&
      (comparison === null || row.comparison_to_branch === reference),
  )

/** `rows`: every window of one metric × statistic × parameter × basis × segment. */
export const estimateBlock = (
  rows: ReadonlyArray<StatisticResult>,
  context: EstimateContext,
): Html => {
  const windows = windowsOf(rows)
  const latest = latestWindowRows(rows)
  const present = new Set(latest.rows.map(({ branch }) => branch))
  const branches = context.branches.filter((branch) => present.has(branch))
  const { reference } = context
  const hasChance = latest.rows.some(
    (row) => row.comparison === "chance_to_beat" && row.comparison_to_branch === reference,
  )
  const body = branches.map((branch) => {
    const own = intervalCell(
      find(latest.rows, branch, null, reference),
      context.period,
      context.biggerIsBetter,
    )
    if (branch === reference) {
      return html`<tr class="reference"><th scope="row">${branch} <span class="tag">reference</span></th>${own}<td class="reference-note" colspan="${hasChance ? 3 : 2}">compared against</td></tr>`
    }
    const cell = (comparison: StatisticResult["comparison"]) =>
      intervalCell(
        find(latest.rows, branch, comparison, reference),
        context.period,
        context.biggerIsBetter,
      )
    return html`<tr><th scope="row">${branch}</th>${own}${cell("difference")}${cell("relative_uplift")}${hasChance && cell("chance_to_beat")}</tr>`
  })
  const compared = preferredComparison(latest.rows, reference)
  const plot =
    compared.rows.length > 0 &&
    forestPlot({
      rows: branches.flatMap((branch) =>
        compared.rows
          .filter((row) => row.branch === branch)
          .map(({ point, lower, upper }) => ({ branch, point, lower, upper })),
      ),
      biggerIsBetter: context.biggerIsBetter,
      axisLabel: `${compared.comparison === "relative_uplift" ? "relative uplift" : "difference"} vs ${reference}`,
      formatValue: compared.comparison === "relative_uplift" ? formatPercent : formatSigned,
    })
  const windowNote =
    windows.length > 1
      ? html`<span class="window-note">window ${latest.window ?? ""} (latest of ${windows.length})</span>`
      : latest.window !== undefined &&
        html`<span class="window-note">window ${latest.window}</span>`
  const series = windows.length > 1 && windowsChart(rows, context, context.title)
  const { tag } = context
  const tagged =
    tag !== undefined &&
    html` <span class="tag statistic-tag" title="${tag.explanation}">${tag.text}</span>`
  const tagNote = tag !== undefined && html`<p class="note statistic-note">${tag.explanation}</p>`
  const chanceHeading = hasChance && html`<th scope="col">Chance to beat ${reference}</th>`
  return html`<div class="statistic-block"><h5>${context.title}${tagged} ${windowNote}</h5>${tagNote}<div class="statistic-body"><table class="estimates"><thead><tr><th scope="col">Branch</th><th scope="col">Estimate [interval]</th><th scope="col">Difference vs ${reference}</th><th scope="col">Relative uplift vs ${reference}</th>${chanceHeading}</tr></thead><tbody>${body}</tbody></table>${plot}${series}</div></div>`
}
