import type { StatisticResult } from "../domain/statistic-result.js"
import { type ChartContext, decileChart, distributionChart } from "./curves.js"
import { formatNumber } from "./format.js"
import { type Html, html } from "./html.js"
import { intervalCell } from "./interval-cell.js"
import { compareWindows, latestWindowRows, parameterValue, windowsOf } from "./rows.js"

/**
 * Blocks for statistics that are curves, on their latest window: deciles as an uplift
 * curve with every number in a table folded under it, distributions (ECDF, KDE) as one
 * curve per branch. Distributions have a point per grid value: too many for a table.
 */

export interface CurveContext extends ChartContext {
  readonly period: string
  readonly biggerIsBetter: boolean
  readonly title: string
}

const windowNote = (rows: ReadonlyArray<StatisticResult>): Html | false => {
  const windows = windowsOf(rows)
  const latest = windows.at(-1)
  if (latest === undefined) return false
  return windows.length > 1
    ? html`<span class="window-note">window ${latest} (latest of ${windows.length})</span>`
    : html`<span class="window-note">window ${latest}</span>`
}

/** Decile parameters in numeric order, as the rows spell them. */
const parametersOf = (rows: ReadonlyArray<StatisticResult>): ReadonlyArray<string | number> => {
  const seen = new Map<string, string | number>()
  for (const { parameter } of rows) {
    if (parameter !== null && !seen.has(String(parameter))) seen.set(String(parameter), parameter)
  }
  return [...seen.values()].sort(
    (a, b) => parameterValue(a) - parameterValue(b) || compareWindows(String(a), String(b)),
  )
}

/**
 * Deciles of a branch compared with the reference that have a difference but no relative
 * uplift: the reference's decile is 0 (in some bootstrap draw), so no ratio exists.
 */
const decilesWithoutUplift = (
  rows: ReadonlyArray<StatisticResult>,
  reference: string,
): ReadonlyArray<string | number> => {
  const toReference = rows.filter(({ comparison_to_branch }) => comparison_to_branch === reference)
  const uplifts = new Set(
    toReference
      .filter(({ comparison }) => comparison === "relative_uplift")
      .map(({ branch, parameter }) => `${branch}|${parameter}`),
  )
  return parametersOf(
    toReference.filter(
      ({ comparison, branch, parameter }) =>
        comparison === "difference" && !uplifts.has(`${branch}|${parameter}`),
    ),
  )
}

const absentUpliftNote = (parameters: ReadonlyArray<string | number>, reference: string) =>
  parameters.length > 0 &&
  html`<p class="note" data-testid="absent-uplift">No relative uplift at ${parameters.length === 1 ? "decile" : "deciles"} ${parameters.map((parameter) => formatNumber(parameterValue(parameter))).join(", ")}: there ${reference}'s decile is 0, and an uplift over 0 does not exist (the differences are shown).</p>`

export const decileBlock = (rows: ReadonlyArray<StatisticResult>, context: CurveContext): Html => {
  const latest = latestWindowRows(rows).rows
  const present = new Set(latest.map(({ branch }) => branch))
  const branches = context.branches.filter((branch) => present.has(branch))
  const others = branches.filter((branch) => branch !== context.reference)
  const cell = (
    parameter: string | number,
    branch: string,
    comparison: StatisticResult["comparison"],
  ) =>
    intervalCell(
      latest.find(
        (row) =>
          String(row.parameter) === String(parameter) &&
          row.branch === branch &&
          row.comparison === comparison &&
          (comparison === null || row.comparison_to_branch === context.reference),
      ),
      context.period,
      context.biggerIsBetter,
    )
  const body = parametersOf(latest).map(
    (parameter) =>
      html`<tr><th scope="row">${formatNumber(parameterValue(parameter))}</th>${branches.map((branch) => cell(parameter, branch, null))}${others.map((branch) => [cell(parameter, branch, "difference"), cell(parameter, branch, "relative_uplift")])}</tr>`,
  )
  const head = html`<tr><th scope="col">Decile</th>${branches.map((branch) => html`<th scope="col">${branch}</th>`)}${others.map((branch) => html`<th scope="col">${branch} − ${context.reference}</th><th scope="col">${branch} vs ${context.reference} (uplift)</th>`)}</tr>`
  const absent = absentUpliftNote(
    decilesWithoutUplift(latest, context.reference),
    context.reference,
  )
  return html`<div class="statistic-block"><h5>${context.title} ${windowNote(rows)}</h5>${decileChart(latest, context, context.title)}${absent}<details class="numbers"><summary>Decile values</summary><div class="table-scroll"><table class="estimates deciles"><thead>${head}</thead><tbody>${body}</tbody></table></div></details></div>`
}

export const distributionBlock = (
  rows: ReadonlyArray<StatisticResult>,
  context: CurveContext,
  kind: "empirical_cdf" | "kernel_density_estimate",
): Html => {
  const latest = latestWindowRows(rows).rows
  return html`<div class="statistic-block"><h5>${context.title} ${windowNote(rows)}</h5>${distributionChart(latest, context, context.title, kind)}</div>`
}
