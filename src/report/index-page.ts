import { type Html, html } from "./html.js"
import { page } from "./page.js"
import type { IndexEntry } from "./report-model.js"
import { statusClass } from "./status.js"

/**
 * The list of experiment reports, one line each, with what a reader scans for first:
 * status and whether anything went wrong.
 */

/**
 * A relative link to a report, or undefined when the path could leave the output folder
 * or run something (a scheme such as javascript:, or an absolute path). Each segment is
 * percent-encoded, so a slug with "#", "?" or "%" still finds its file.
 */
export const reportHref = (reportPath: string): string | undefined => {
  if (
    /^[a-z][a-z0-9+.-]*:/i.test(reportPath) ||
    reportPath.startsWith("/") ||
    reportPath.startsWith("\\")
  ) {
    return undefined
  }
  const segments = reportPath.split("/")
  if (segments.some((segment) => segment === "..") || reportPath === "") return undefined
  return segments.map(encodeURIComponent).join("/")
}

const count = (value: number, kind: "error" | "warning"): Html =>
  value === 0
    ? html`<span class="note">0</span>`
    : html`<span class="counts-${kind}">${value}</span>`

/**
 * The index page. `latestAnalysis` is the latest of the entries' analysis times (null when
 * none is known): the page changes when what it lists changes, not each time it is written.
 */
export const renderReportIndex = (
  entries: ReadonlyArray<IndexEntry>,
  latestAnalysis: string | null,
): string => {
  const rows = entries.map((entry) => {
    const href = reportHref(entry.reportPath)
    const name =
      href === undefined ? html`${entry.name}` : html`<a href="${href}">${entry.name}</a>`
    return html`<tr data-slug="${entry.slug}"><td class="name">${name}</td><td><code>${entry.slug}</code></td><td><span class="status ${statusClass(entry.status)}">${entry.status}</span></td><td>${entry.startDate ?? "—"}</td><td>${entry.endDate ?? "—"}</td><td class="count">${count(entry.errors, "error")}</td><td class="count">${count(entry.warnings, "warning")}</td></tr>`
  })
  const withErrors = entries.filter(({ errors }) => errors > 0).length
  const summary = html`${entries.length} ${entries.length === 1 ? "experiment" : "experiments"}, ${withErrors} with errors.`
  const table =
    entries.length === 0
      ? html`<p class="note">No experiments.</p>`
      : html`<div class="table-scroll"><table class="index"><thead><tr><th scope="col">Experiment</th><th scope="col">Slug</th><th scope="col">Status</th><th scope="col">Start</th><th scope="col">End</th><th scope="col">Errors</th><th scope="col">Warnings</th></tr></thead><tbody>${rows}</tbody></table></div>`
  const latest =
    latestAnalysis !== null && html`<li>Latest analysis at <time>${latestAnalysis}</time></li>`
  const header = html`<h1>Experiment reports</h1><ul class="facts"><li>${summary}</li>${latest}</ul>`
  return page(
    "Slipstream · experiment reports",
    header,
    html`<section>${table}</section>`,
    html`Published by Slipstream.`,
  )
}
