import { type Html, html } from "./html.js"
import type { ReportProblem } from "./report-model.js"

/**
 * The problems the runs logged for this experiment, errors first: a reader must know
 * which numbers are missing or doubtful, and why.
 */

const levelRank = (level: string): number => (level === "ERROR" ? 0 : level === "WARNING" ? 1 : 2)

/** Errors, then warnings, each in time order (ISO timestamps sort as text). */
export const orderedProblems = (
  problems: ReadonlyArray<ReportProblem>,
): ReadonlyArray<ReportProblem> =>
  [...problems].sort(
    (a, b) =>
      levelRank(a.level) - levelRank(b.level) ||
      (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0),
  )

/** "metric x · statistic y · segment z ...": the parts that are known. */
const where = (problem: ReportProblem): Html => {
  const parts: ReadonlyArray<readonly [string, string | null]> = [
    ["metric", problem.metric],
    ["statistic", problem.statistic],
    ["segment", problem.segment],
    ["basis", problem.analysisBasis],
    ["period", problem.period],
    ["window", problem.windowIndex],
    ["date", problem.analysisDate],
  ]
  const known = parts.filter((part): part is readonly [string, string] => part[1] !== null)
  if (known.length === 0) return html`<span class="note">whole experiment</span>`
  return html`${known.map(
    ([name, value], index) =>
      html`${index > 0 && " · "}<span class="where-part">${name} <code>${value}</code></span>`,
  )}`
}

export const problemCounts = (
  problems: ReadonlyArray<ReportProblem>,
): { readonly errors: number; readonly warnings: number } => ({
  errors: problems.filter(({ level }) => level === "ERROR").length,
  warnings: problems.filter(({ level }) => level === "WARNING").length,
})

export const problemsSection = (problems: ReadonlyArray<ReportProblem>): Html => {
  if (problems.length === 0) {
    return html`<section id="problems"><h2>Problems</h2><p class="note" data-testid="no-problems">no problems logged</p></section>`
  }
  const rows = orderedProblems(problems).map(
    (problem) =>
      html`<tr class="problem ${problem.level === "ERROR" ? "error" : "warning"}"><td><span class="level">${problem.level}</span></td><td class="where">${where(problem)}</td><td class="message" data-testid="problem-message">${problem.message}</td><td class="time">${problem.timestamp}</td></tr>`,
  )
  const { errors, warnings } = problemCounts(problems)
  return html`<section id="problems"><h2>Problems</h2><p class="note">${errors} ${errors === 1 ? "error" : "errors"}, ${warnings} ${warnings === 1 ? "warning" : "warnings"} logged.</p><div class="table-scroll"><table class="problems"><thead><tr><th scope="col">Level</th><th scope="col">Where</th><th scope="col">Message</th><th scope="col">Logged at</th></tr></thead><tbody>${rows}</tbody></table></div></section>`
}
