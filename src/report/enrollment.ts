import { type StatisticResult, sampleRatioMetric } from "../domain/statistic-result.js"
import { formatNumber, rawNumber } from "./format.js"
import { type Html, html } from "./html.js"
import { rowAttributes } from "./interval-cell.js"
import { populationMetric } from "./metric-groups.js"
import type { ExperimentReport } from "./report-model.js"
import { latestWindowRows, orderedBases, orderedSegments, periodTitle } from "./rows.js"

/**
 * Who is in the experiment: clients per branch on each analysis basis, against the
 * configured ratios, with the sample-ratio-mismatch verdict. A mismatch means the branches
 * are not comparable, so it is the first thing a reader must see.
 */

/** Below this p-value the split is called a mismatch (the usual SRM alarm, Fabijan et al. 2019). */
export const srmThreshold = 0.001

export interface SrmVerdict {
  readonly mismatch: boolean | undefined
  readonly text: string
}

/** The verdict for a χ² test's p-value; undefined when the run could not test the split. */
export const srmVerdict = (pValue: number | null | undefined): SrmVerdict => {
  if (pValue === null || pValue === undefined || Number.isNaN(pValue)) {
    return { mismatch: undefined, text: "sample ratio not tested" }
  }
  return pValue < srmThreshold
    ? { mismatch: true, text: `SAMPLE RATIO MISMATCH (p = ${formatNumber(pValue)})` }
    : { mismatch: false, text: `no sample ratio mismatch (p = ${formatNumber(pValue)})` }
}

/**
 * Periods to take the populations from: overall (the whole experiment) if it has them,
 * else the period with the longest windows.
 */
const populationPeriods = [
  "overall",
  "days28",
  "weekly",
  "daily",
  "preenrollment_days28",
  "preenrollment_weekly",
]

const isPopulation = (row: StatisticResult) =>
  row.metric === populationMetric && row.statistic === "count"
const isSrm = (row: StatisticResult) => row.metric === sampleRatioMetric

/** The period and latest-window rows of the identity metric that the section shows. */
export const populationRows = (
  statistics: ExperimentReport["statistics"],
): { readonly period: string; readonly rows: ReadonlyArray<StatisticResult> } | undefined => {
  const extra = Object.keys(statistics)
    .filter((period) => !populationPeriods.includes(period))
    .sort()
  for (const period of [...populationPeriods, ...extra]) {
    const identity = (statistics[period] ?? []).filter((row) => isPopulation(row) || isSrm(row))
    if (identity.some(isPopulation)) return { period, rows: latestWindowRows(identity).rows }
  }
  return undefined
}

/** The bases whose split is a mismatch, for a warning at the top of the page. */
export const mismatchedBases = (
  statistics: ExperimentReport["statistics"],
): ReadonlyArray<string> =>
  (populationRows(statistics)?.rows ?? [])
    .filter((row) => isSrm(row) && srmVerdict(row.p_value).mismatch === true)
    .map(({ analysis_basis }) => analysis_basis)

const countCell = (row: StatisticResult | undefined, period: string, total: number): Html => {
  if (row === undefined) return html`<td class="count missing">—</td>`
  const share = row.point !== null && total > 0 ? (100 * row.point) / total : null
  return html`<td class="count" ${rowAttributes(row, period)} data-point="${rawNumber(row.point)}" data-lower="${rawNumber(row.lower)}" data-upper="${rawNumber(row.upper)}"><span class="value">${formatNumber(row.point)}</span>${share !== null && html`<span class="ci">${formatNumber(share)}%</span>`}</td>`
}

const basisTitle = (basis: string) =>
  basis === "enrollments" ? "Enrolled" : basis === "exposures" ? "Exposed" : basis

export const enrollmentSection = (
  report: ExperimentReport,
  branches: ReadonlyArray<string>,
): Html => {
  const found = populationRows(report.statistics)
  if (found === undefined) {
    return html`<section id="enrollment"><h2>Enrollment</h2><p class="note">No population counts (metric <code>identity</code>, statistic <code>count</code>) in the results.</p><p class="srm-verdict unknown" data-testid="srm-verdict">sample ratio not tested</p></section>`
  }
  const { period, rows } = found
  const counts = rows.filter(isPopulation)
  const allBases = orderedBases(counts)
  const countOf = (segment: string, basis: string, branch: string) =>
    counts.find(
      (row) => row.segment === segment && row.analysis_basis === basis && row.branch === branch,
    )
  const totalOf = (segment: string, basis: string) =>
    counts
      .filter((row) => row.segment === segment && row.analysis_basis === basis)
      .reduce((sum, row) => sum + (row.point ?? 0), 0)
  const ratios = new Map(report.branches.map(({ slug, ratio }) => [slug, ratio]))
  const ratioTotal = report.branches.reduce((sum, { ratio }) => sum + ratio, 0)
  const present = new Set(counts.map(({ branch }) => branch))
  const shown = branches.filter((branch) => present.has(branch) || ratios.has(branch))
  const body = shown.map((branch) => {
    const ratio = ratios.get(branch)
    const expected =
      ratio !== undefined && ratioTotal > 0 ? `${formatNumber((100 * ratio) / ratioTotal)}%` : "—"
    return html`<tr><th scope="row">${branch}${branch === report.referenceBranch && html` <span class="tag">reference</span>`}</th><td class="count">${ratio === undefined ? "not configured" : formatNumber(ratio)}<span class="ci">${expected}</span></td>${allBases.map((basis) => countCell(countOf("all", basis, branch), period, totalOf("all", basis)))}</tr>`
  })
  const totals = html`<tr class="total"><th scope="row">total</th><td></td>${allBases.map((basis) => html`<td class="count"><span class="value">${formatNumber(totalOf("all", basis))}</span></td>`)}</tr>`
  const verdicts = allBases.map((basis) => {
    const srm = rows.find((row) => isSrm(row) && row.analysis_basis === basis)
    const verdict = srmVerdict(srm?.p_value)
    const state = verdict.mismatch === undefined ? "unknown" : verdict.mismatch ? "mismatch" : "ok"
    const chiSquare =
      srm !== undefined && html`<span class="ci">χ² = ${formatNumber(srm.point)}</span>`
    return html`<li><span class="basis">${basisTitle(basis)} clients:</span> <span class="srm-verdict ${state}" data-testid="srm-verdict" data-basis="${basis}">${verdict.text}</span> ${chiSquare}</li>`
  })
  const segments = orderedSegments(counts).filter((segment) => segment !== "all")
  const bySegment =
    segments.length > 0 &&
    html`<details class="numbers"><summary>Clients per segment</summary><div class="table-scroll"><table class="estimates"><thead><tr><th scope="col">Segment</th><th scope="col">Basis</th>${shown.map((branch) => html`<th scope="col">${branch}</th>`)}</tr></thead><tbody>${segments.flatMap((segment) => allBases.map((basis) => html`<tr><th scope="row">${segment}</th><td>${basis}</td>${shown.map((branch) => countCell(countOf(segment, basis, branch), period, totalOf(segment, basis)))}</tr>`))}</tbody></table></div></details>`
  const windows = new Set(rows.map(({ window_index }) => window_index))
  return html`<section id="enrollment"><h2>Enrollment</h2><p class="note">Clients per branch from ${periodTitle(period)} (window ${[...windows].join(", ")}), segment all; share of the basis in small type.</p><table class="estimates population"><thead><tr><th scope="col">Branch</th><th scope="col">Configured ratio</th>${allBases.map((basis) => html`<th scope="col">${basisTitle(basis)} clients</th>`)}</tr></thead><tbody>${body}${totals}</tbody></table><ul class="verdicts">${verdicts}</ul>${bySegment}</section>`
}
