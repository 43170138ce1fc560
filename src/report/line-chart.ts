import { type Html, html } from "./html.js"
import { extentOf, linearScale, niceTicks, padded, px } from "./svg.js"

/**
 * One small inline-SVG chart of several series over a shared x axis, each with an optional
 * interval band: decile uplifts, distribution curves, uplift over windows. The legend is
 * HTML under the chart, so it wraps and reads like text.
 */

export interface CurvePoint {
  readonly x: number
  readonly y: number | null
  readonly lower?: number | null
  readonly upper?: number | null
}

export interface CurveSeries {
  readonly label: string
  /** A colour of the palette (never data). */
  readonly colour: string
  readonly points: ReadonlyArray<CurvePoint>
}

export interface LineChartSpec {
  /** What the chart shows, for assistive technology and the tooltip. */
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
  readonly series: ReadonlyArray<CurveSeries>
  readonly formatX: (value: number) => string
  readonly formatY: (value: number) => string
  /** Draw y = 0 (for comparisons). */
  readonly zeroLine?: boolean
  /** Join points as a right-continuous step function (an empirical CDF). */
  readonly step?: boolean
  /** Mark every point with a dot and a tooltip (for short series). */
  readonly markers?: boolean
  /** A visible caption above the chart. */
  readonly caption?: string
  /** Only whole numbers on the x axis (window indices). */
  readonly integerX?: boolean
}

const width = 440
const height = 220
const left = 64
const right = 12
const top = 10
const bottom = 40

const finite = (value: number | null | undefined): value is number =>
  value !== null && value !== undefined && Number.isFinite(value)

/** Maximal runs of consecutive points that satisfy `keep`: a gap breaks a line or a band. */
const runs = (
  points: ReadonlyArray<CurvePoint>,
  keep: (point: CurvePoint) => boolean,
): ReadonlyArray<ReadonlyArray<CurvePoint>> => {
  const result: CurvePoint[][] = []
  let current: CurvePoint[] = []
  for (const point of points) {
    if (keep(point)) current.push(point)
    else if (current.length > 0) {
      result.push(current)
      current = []
    }
  }
  if (current.length > 0) result.push(current)
  return result
}

/** The chart with its legend, or a short note when there is nothing to draw. */
export const lineChart = (spec: LineChartSpec): Html => {
  const points = spec.series.flatMap(({ points }) => points).filter(({ x }) => Number.isFinite(x))
  const xs = extentOf(points.map(({ x }) => x))
  const ys = extentOf([
    ...points.flatMap(({ y, lower, upper }) => [y, lower, upper]),
    ...(spec.zeroLine === true ? [0] : []),
  ])
  if (xs === undefined || ys === undefined) return html`<p class="note">Nothing to plot.</p>`
  const yDomain = padded(ys)
  const x = linearScale(xs, left, width - right)
  const y = linearScale(yDomain, height - bottom, top)
  const sorted = (series: CurveSeries) =>
    series.points.filter(({ x: value }) => Number.isFinite(value)).sort((a, b) => a.x - b.x)

  const xTicks = niceTicks(xs, 5)
    .filter((tick) => spec.integerX !== true || Number.isInteger(tick))
    .map(
      (tick) =>
        html`<g class="tick"><line x1="${px(x(tick))}" x2="${px(x(tick))}" y1="${px(height - bottom)}" y2="${px(height - bottom + 4)}"/><text x="${px(x(tick))}" y="${px(height - bottom + 16)}" text-anchor="middle">${spec.formatX(tick)}</text></g>`,
    )
  const yTicks = niceTicks(yDomain, 4).map(
    (tick) =>
      html`<g class="tick grid"><line x1="${px(left)}" x2="${px(width - right)}" y1="${px(y(tick))}" y2="${px(y(tick))}"/><text x="${px(left - 6)}" y="${px(y(tick) + 4)}" text-anchor="end">${spec.formatY(tick)}</text></g>`,
  )
  const bands = spec.series.flatMap((series) =>
    runs(sorted(series), ({ lower, upper }) => finite(lower) && finite(upper)).map((run) => {
      const upperEdge = run.map((point) => `${px(x(point.x))},${px(y(point.upper ?? 0))}`)
      const lowerEdge = [...run]
        .reverse()
        .map((point) => `${px(x(point.x))},${px(y(point.lower ?? 0))}`)
      return html`<polygon class="band" fill="${series.colour}" points="${[...upperEdge, ...lowerEdge].join(" ")}"/>`
    }),
  )
  const lines = spec.series.flatMap((series) =>
    runs(sorted(series), ({ y: value }) => finite(value)).map((run) => {
      const path = run
        .map((point, index) => {
          const at = `${px(x(point.x))} ${px(y(point.y ?? 0))}`
          if (index === 0) return `M${at}`
          return spec.step === true ? `H${px(x(point.x))}V${px(y(point.y ?? 0))}` : `L${at}`
        })
        .join("")
      return html`<path class="line" stroke="${series.colour}" d="${path}"/>`
    }),
  )
  const markers =
    spec.markers === true &&
    spec.series.flatMap((series) =>
      sorted(series)
        .filter((point) => finite(point.y))
        .map(
          (point) =>
            html`<circle class="marker" fill="${series.colour}" cx="${px(x(point.x))}" cy="${px(y(point.y ?? 0))}" r="3"><title>${`${series.label}: ${spec.xLabel} ${spec.formatX(point.x)} → ${spec.formatY(point.y ?? 0)}${finite(point.lower) && finite(point.upper) ? ` [${spec.formatY(point.lower)}, ${spec.formatY(point.upper)}]` : ""}`}</title></circle>`,
        ),
    )
  const zero =
    spec.zeroLine === true &&
    html`<line class="zero" x1="${px(left)}" x2="${px(width - right)}" y1="${px(y(0))}" y2="${px(y(0))}"/>`
  const legend = spec.series.map(
    (series) =>
      html`<li><span class="swatch" style="background:${series.colour}"></span>${series.label}</li>`,
  )
  return html`<figure class="chart-figure">${spec.caption !== undefined && html`<figcaption>${spec.caption}</figcaption>`}<svg class="chart line-chart" role="img" aria-label="${spec.title}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${spec.title}</title>${yTicks}${xTicks}${zero}${bands}${lines}${markers}<line class="axis" x1="${px(left)}" x2="${px(width - right)}" y1="${px(height - bottom)}" y2="${px(height - bottom)}"/><text class="axis-label" x="${px((left + width - right) / 2)}" y="${px(height - 4)}" text-anchor="middle">${spec.xLabel}</text><text class="axis-label" transform="rotate(-90)" x="${px(-(top + height - bottom) / 2)}" y="12" text-anchor="middle">${spec.yLabel}</text></svg><ul class="legend">${legend}</ul></figure>`
}
