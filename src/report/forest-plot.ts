import { type Html, html } from "./html.js"
import { extentOf, linearScale, niceTicks, padded, px } from "./svg.js"

/**
 * Forest plots: one line per branch compared with the reference, its interval as a bar
 * and its point as a dot, against a zero line. Colour says what the interval says: green
 * when it excludes zero on the good side (per the metric's biggerIsBetter), red on the bad
 * side, grey when zero is inside or a bound is missing.
 */

export type EffectDirection = "better" | "worse" | "neutral"

/** Whether an interval shows a real change, and whether that change is good. */
export const effectDirection = (
  lower: number | null,
  upper: number | null,
  biggerIsBetter: boolean,
): EffectDirection => {
  if (lower === null || upper === null || !Number.isFinite(lower) || !Number.isFinite(upper)) {
    return "neutral"
  }
  if (lower > 0) return biggerIsBetter ? "better" : "worse"
  if (upper < 0) return biggerIsBetter ? "worse" : "better"
  return "neutral"
}

export interface ForestRow {
  readonly branch: string
  readonly point: number | null
  readonly lower: number | null
  readonly upper: number | null
}

export interface ForestPlotSpec {
  readonly rows: ReadonlyArray<ForestRow>
  readonly biggerIsBetter: boolean
  /** What the axis measures, e.g. "relative uplift vs control". */
  readonly axisLabel: string
  readonly formatValue: (value: number | null) => string
}

const width = 380
const labelWidth = 120
const plotLeft = labelWidth + 8
const plotRight = width - 16
const rowHeight = 26
const top = 8
const axisHeight = 34

const shortLabel = (text: string): string => (text.length > 18 ? `${text.slice(0, 17)}…` : text)

/** The plot, or a short note when no row has a number to draw. */
export const forestPlot = (spec: ForestPlotSpec): Html => {
  const values = spec.rows.flatMap(({ point, lower, upper }) => [point, lower, upper])
  const data = extentOf(values)
  if (data === undefined) return html`<p class="note">No comparison to plot.</p>`
  const domain = padded(extentOf([data.min, data.max, 0]) ?? data, 0.08)
  const x = linearScale(domain, plotLeft, plotRight)
  const height = top + spec.rows.length * rowHeight + axisHeight
  const axisY = top + spec.rows.length * rowHeight
  const ticks = niceTicks(domain, 5)
  const rows = spec.rows.map((row, index) => {
    const y = top + index * rowHeight + rowHeight / 2
    const direction = effectDirection(row.lower, row.upper, spec.biggerIsBetter)
    const interval =
      row.lower !== null && row.upper !== null && Number.isFinite(row.lower + row.upper)
        ? html`<line class="interval" x1="${px(x(row.lower))}" x2="${px(x(row.upper))}" y1="${px(y)}" y2="${px(y)}"/>`
        : false
    const point =
      row.point !== null && Number.isFinite(row.point)
        ? html`<circle class="point" cx="${px(x(row.point))}" cy="${px(y)}" r="4.5"/>`
        : html`<text class="axis-note" x="${px(plotLeft)}" y="${px(y + 4)}">no estimate</text>`
    const summary = `${row.branch}: ${spec.formatValue(row.point)} [${spec.formatValue(row.lower)}, ${spec.formatValue(row.upper)}]`
    return html`<g class="forest-row effect-${direction}" data-branch="${row.branch}" data-direction="${direction}"><title>${summary}</title><text class="label" x="${px(labelWidth)}" y="${px(y + 4)}" text-anchor="end">${shortLabel(row.branch)}</text>${interval}${point}</g>`
  })
  const tickMarks = ticks.map(
    (tick) =>
      html`<g class="tick"><line x1="${px(x(tick))}" x2="${px(x(tick))}" y1="${px(top)}" y2="${px(axisY + 4)}"/><text x="${px(x(tick))}" y="${px(axisY + 16)}" text-anchor="middle">${spec.formatValue(tick)}</text></g>`,
  )
  return html`<svg class="chart forest-plot" role="img" aria-label="${`Forest plot: ${spec.axisLabel}`}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${spec.axisLabel}</title>${tickMarks}<line class="zero" x1="${px(x(0))}" x2="${px(x(0))}" y1="${px(top - 4)}" y2="${px(axisY)}"/>${rows}<text class="axis-label" x="${px((plotLeft + plotRight) / 2)}" y="${px(height - 3)}" text-anchor="middle">${spec.axisLabel}</text></svg>`
}
