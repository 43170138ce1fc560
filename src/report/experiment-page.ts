import { type StatisticResult, sampleRatioMetric } from "../domain/statistic-result.js"
import { enrollmentSection, mismatchedBases } from "./enrollment.js"
import { formatNumber } from "./format.js"
import { type Html, html } from "./html.js"
import { page } from "./page.js"
import { branchColour } from "./palette.js"
import { periodSection } from "./period-section.js"
import { problemCounts, problemsSection } from "./problems.js"
import type { ExperimentReport } from "./report-model.js"
import { orderedBranches, orderedPeriods, periodTitle } from "./rows.js"
import { hasAdjustedPValues, hasComparisonPValues, multipleTestingWords } from "./significance.js"
import { statusClass } from "./status.js"

/**
 * One experiment's report as a self-contained HTML page: who is in it (enrollment and
 * sample ratio), then every period's results by segment and metric, then what went wrong.
 * A pure function of its input, so the exporter decides where the page goes.
 */

const dates = (start: string | null, end: string | null): string =>
  start === null && end === null ? "no dates" : `${start ?? "?"} → ${end ?? "ongoing"}`

/** Which correction the adjusted p-values carry, when some rows have them. */
const correctionFact = (
  report: ExperimentReport,
  rows: ReadonlyArray<StatisticResult>,
): Html | false =>
  hasAdjustedPValues(rows) &&
  html`<li>p-values adjusted for multiple comparisons${report.multipleTesting !== undefined && ` by ${multipleTestingWords[report.multipleTesting]}`}</li>`

/** What the marks beside p-values mean, when there are any. */
const significanceLegend = (rows: ReadonlyArray<StatisticResult>): string | false =>
  hasComparisonPValues(rows) &&
  "A comparison marked “significant” has a p-value — the adjusted one, where shown — below 1 − its interval's level (0.05 beside a 95% interval); “not significant after correction” marks one whose p-value is below that level only before the adjustment for multiple comparisons."

const header = (
  report: ExperimentReport,
  branches: ReadonlyArray<string>,
  periods: ReadonlyArray<string>,
  rows: ReadonlyArray<StatisticResult>,
): Html => {
  const ratioTotal = report.branches.reduce((sum, { ratio }) => sum + ratio, 0)
  const branchItems = report.branches.map(({ slug, ratio }) => {
    const share = ratioTotal > 0 ? ` (${formatNumber((100 * ratio) / ratioTotal)}%)` : ""
    const colour = branchColour(Math.max(0, branches.indexOf(slug)))
    return html`<li class="tag"><span class="swatch" style="background:${colour}"></span>${slug} · ratio ${formatNumber(ratio)}${share}${slug === report.referenceBranch && " · reference"}</li>`
  })
  const { errors, warnings } = problemCounts(report.problems)
  const problems = html`<a href="#problems">${
    errors + warnings === 0
      ? "no problems logged"
      : html`<span class="${errors > 0 ? "counts-error" : "counts-warning"}">${errors} ${errors === 1 ? "error" : "errors"}, ${warnings} ${warnings === 1 ? "warning" : "warnings"}</span>`
  }</a>`
  const outcomes =
    report.outcomes.length > 0 &&
    html`<li>Outcomes: ${report.outcomes.map((outcome, index) => html`${index > 0 && ", "}<strong>${outcome.friendlyName === "" ? outcome.slug : outcome.friendlyName}</strong>`)}</li>`
  const mismatched = mismatchedBases(report.statistics)
  const srmWarning =
    mismatched.length > 0 &&
    html`<li><a class="srm-verdict mismatch" href="#enrollment">sample ratio mismatch (${mismatched.join(", ")})</a></li>`
  const toc = [
    html`<a href="#enrollment">Enrollment</a>`,
    ...periods.map((period, index) => html`<a href="#period-${index}">${periodTitle(period)}</a>`),
    html`<a href="#problems">Problems</a>`,
  ]
  return html`<h1 data-testid="experiment-name">${report.name}</h1><ul class="facts"><li><code>${report.slug}</code></li><li><span class="status ${statusClass(report.status)}" data-testid="status">${report.status}</span></li><li><strong>${dates(report.startDate, report.endDate)}</strong></li><li>${problems}</li>${srmWarning}${outcomes}${correctionFact(report, rows)}</ul><ul class="facts"><li>Branches:</li><li><ul class="branch-list">${branchItems}</ul></li></ul><nav class="toc" aria-label="Sections">${toc}</nav>`
}

/** Says the interval level when every row agrees on it. */
const intervalWords = (rows: ReadonlyArray<{ readonly ci_width: number | null }>): string => {
  const widths = [...new Set(rows.flatMap(({ ci_width }) => (ci_width === null ? [] : [ci_width])))]
  const [width] = widths
  return widths.length === 1 && width !== undefined
    ? `Intervals are ${formatNumber(100 * width)}% intervals.`
    : "Intervals are each statistic's configured interval."
}

export const renderExperimentReport = (report: ExperimentReport): string => {
  const periods = orderedPeriods(report.statistics)
  const allRows = periods.flatMap((period) => report.statistics[period] ?? [])
  const branches = orderedBranches(
    report.referenceBranch,
    report.branches.map(({ slug }) => slug),
    allRows.filter((row) => row.metric !== sampleRatioMetric),
  )
  const sections = periods.map((period, index) =>
    periodSection(
      { report, period, branches, id: `period-${index}`, open: index === 0 },
      report.statistics[period] ?? [],
    ),
  )
  const results =
    sections.length > 0
      ? sections
      : html`<section><h2>Results</h2><p class="note">No results yet.</p></section>`
  const main = html`${enrollmentSection(report, branches)}${results}${problemsSection(report.problems)}`
  const analysed =
    report.generatedAt === null
      ? html`Published by Slipstream.`
      : html`Analysed by Slipstream at <time>${report.generatedAt}</time>.`
  const footer = html`${analysed} ${intervalWords(allRows)} Comparisons are against ${report.referenceBranch}. ${significanceLegend(allRows)}`
  return page(
    `${report.name} · Slipstream report`,
    header(report, branches, periods, allRows),
    main,
    footer,
  )
}
