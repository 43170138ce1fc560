import type { StatisticResult } from "../domain/statistic-result.js"
import { type Html, html } from "./html.js"
import { isEnrollmentMetric, metricGroups } from "./metric-groups.js"
import { metricSection } from "./metric-section.js"
import type { ExperimentReport } from "./report-model.js"
import { orderedSegments, periodTitle, windowsOf } from "./rows.js"

/**
 * One period of results: a foldable section per segment ("all" open, the others closed,
 * so the page opens on the headline), metrics grouped by outcome inside. <details> keeps
 * the page usable without JavaScript.
 */

export interface PeriodContext {
  readonly report: ExperimentReport
  readonly period: string
  readonly branches: ReadonlyArray<string>
  /** The section's element id, made by the page. */
  readonly id: string
  readonly open: boolean
}

const segmentSection = (
  context: PeriodContext,
  segment: string,
  segmentIndex: number,
  rows: ReadonlyArray<StatisticResult>,
): Html => {
  const byMetric = new Map<string, StatisticResult[]>()
  for (const row of rows) {
    if (isEnrollmentMetric(row.metric)) continue
    const list = byMetric.get(row.metric)
    if (list === undefined) byMetric.set(row.metric, [row])
    else list.push(row)
  }
  const groups = metricGroups(context.report, new Set(byMetric.keys()))
  const empty: string[] = []
  let metricIndex = 0
  const sections = groups.map(({ title, metrics }) => {
    const shown = metrics.flatMap((metric) => {
      const metricRows = byMetric.get(metric.slug)
      metricIndex += 1
      if (metricRows === undefined) {
        empty.push(metric.friendlyName)
        return []
      }
      return [
        metricSection(metric, metricRows, {
          period: context.period,
          reference: context.report.referenceBranch,
          branches: context.branches,
          id: `${context.id}-s${segmentIndex}-m${metricIndex}`,
        }),
      ]
    })
    return (
      shown.length > 0 && html`<section class="metric-group"><h3>${title}</h3>${shown}</section>`
    )
  })
  const emptyNote =
    empty.length > 0 &&
    byMetric.size > 0 &&
    html`<p class="note">No results in this period and segment for: ${empty.join(", ")}.</p>`
  const nothing =
    byMetric.size === 0 && html`<p class="note">No metric results in this period and segment.</p>`
  return html`<details class="segment" id="${context.id}-s${segmentIndex}"${segment === "all" ? html` open` : ""}><summary>Segment <strong>${segment}</strong>${segment === "all" ? " (every client)" : ""}</summary>${nothing}${sections}${emptyNote}</details>`
}

/** `rows`: every row of the period, all segments and windows. */
export const periodSection = (
  context: PeriodContext,
  rows: ReadonlyArray<StatisticResult>,
): Html => {
  const windows = windowsOf(rows)
  const windowWords =
    windows.length > 1
      ? `${windows.length} windows (${windows[0] ?? ""} to ${windows.at(-1) ?? ""}); tables show the latest, charts all of them.`
      : windows.length === 1
        ? `window ${windows[0] ?? ""}`
        : "no window"
  const segments = orderedSegments(rows).map((segment, index) =>
    segmentSection(
      context,
      segment,
      index,
      rows.filter((row) => row.segment === segment),
    ),
  )
  return html`<section class="period" id="${context.id}"><details class="period-details"${context.open ? html` open` : ""}><summary><h2>${periodTitle(context.period)} <code class="slug">${context.period}</code></h2><span class="summary-note">${windowWords}</span></summary>${segments}</details></section>`
}
