import type { StatisticResult } from "../domain/statistic-result.js"
import { formatNumber, formatPercent, formatSigned } from "./format.js"
import type { Html } from "./html.js"
import { type CurveSeries, lineChart } from "./line-chart.js"
import { branchColour } from "./palette.js"
import { groupBy, parameterValue, preferredComparison } from "./rows.js"

/**
 * Charts of statistics that are curves rather than one number: the uplift per decile, the
 * empirical CDF and the kernel density per branch, and the uplift of a time-series period
 * over its windows.
 */

export interface ChartContext {
  readonly reference: string
  /** The page's branch order (reference first): it decides each branch's colour. */
  readonly branches: ReadonlyArray<string>
}

/** A branch's place in the page's order; a branch the page does not know goes last. */
const rank = (context: ChartContext, branch: string): number => {
  const index = context.branches.indexOf(branch)
  return index === -1 ? context.branches.length : index
}

const colourOf = (context: ChartContext, branch: string): string =>
  branchColour(rank(context, branch))

/** The rows of each branch, branches in the page's order. */
const byBranch = (
  rows: ReadonlyArray<StatisticResult>,
  context: ChartContext,
): ReadonlyArray<readonly [string, ReadonlyArray<StatisticResult>]> =>
  [...groupBy(rows, ({ branch }) => branch)].sort(([a], [b]) => rank(context, a) - rank(context, b))

const comparisonWords = { relative_uplift: "relative uplift", difference: "difference" } as const

/** Relative uplifts read as percentages, differences in the metric's unit. */
const comparisonFormat = (comparison: keyof typeof comparisonWords) =>
  comparison === "relative_uplift"
    ? (value: number) => formatPercent(value)
    : (value: number) => formatSigned(value)

/** One series per branch compared with the reference, x taken from each row. */
const comparisonSeries = (
  rows: ReadonlyArray<StatisticResult>,
  context: ChartContext,
  xOf: (row: StatisticResult) => number,
): ReadonlyArray<CurveSeries> =>
  byBranch(rows, context).map(([branch, branchRows]) => ({
    label: `${branch} vs ${context.reference}`,
    colour: colourOf(context, branch),
    points: branchRows.map((row) => ({
      x: xOf(row),
      y: row.point,
      lower: row.lower,
      upper: row.upper,
    })),
  }))

/** The uplift (or difference) of each decile against the reference, with its interval band. */
export const decileChart = (
  rows: ReadonlyArray<StatisticResult>,
  context: ChartContext,
  title: string,
): Html => {
  const { comparison, rows: compared } = preferredComparison(rows, context.reference)
  return lineChart({
    title: `${title}: ${comparisonWords[comparison]} per decile vs ${context.reference}`,
    xLabel: "decile",
    yLabel: comparisonWords[comparison],
    series: comparisonSeries(compared, context, (row) => parameterValue(row.parameter)),
    formatX: formatNumber,
    formatY: comparisonFormat(comparison),
    zeroLine: true,
    markers: true,
  })
}

/** Each branch's empirical CDF or kernel density estimate, overlaid. */
export const distributionChart = (
  rows: ReadonlyArray<StatisticResult>,
  context: ChartContext,
  title: string,
  kind: "empirical_cdf" | "kernel_density_estimate",
): Html => {
  const own = rows.filter(({ comparison }) => comparison === null)
  const ordered = byBranch(own, context)
  return lineChart({
    title,
    xLabel: "value",
    yLabel: kind === "empirical_cdf" ? "share of clients ≤ x" : "density",
    series: ordered.map(([branch, branchRows]) => ({
      label: branch,
      colour: colourOf(context, branch),
      points: branchRows.map((row) => ({ x: parameterValue(row.parameter), y: row.point })),
    })),
    formatX: formatNumber,
    formatY: formatNumber,
    step: kind === "empirical_cdf",
  })
}

/** The uplift (or difference) in every window of a time-series period, with its band. */
export const windowsChart = (
  rows: ReadonlyArray<StatisticResult>,
  context: ChartContext,
  title: string,
): Html => {
  const { comparison, rows: compared } = preferredComparison(rows, context.reference)
  return lineChart({
    title: `${title}: ${comparisonWords[comparison]} per window vs ${context.reference}`,
    caption: `${comparisonWords[comparison]} vs ${context.reference}, window by window`,
    xLabel: "window",
    yLabel: comparisonWords[comparison],
    series: comparisonSeries(compared, context, (row) => Number(row.window_index)),
    formatX: formatNumber,
    formatY: comparisonFormat(comparison),
    zeroLine: true,
    markers: true,
    integerX: true,
  })
}
