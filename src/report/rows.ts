import type { StatisticResult } from "../domain/statistic-result.js"

/**
 * Finding rows in a report: periods in the order a reader wants them, segments with "all"
 * first, windows in numeric order (window_index is a string: "10" comes after "9").
 */

/** Period suffixes in reading order: the headline first, the covariate periods last. */
export const periodOrder = [
  "overall",
  "weekly",
  "days28",
  "daily",
  "preenrollment_weekly",
  "preenrollment_days28",
] as const

const periodTitles: Readonly<Record<string, string>> = {
  overall: "Overall",
  weekly: "Weekly",
  days28: "28-day windows",
  daily: "Daily",
  preenrollment_weekly: "Pre-enrollment week",
  preenrollment_days28: "Pre-enrollment 28 days",
}

/** A heading for a period suffix; an unknown suffix is shown as it is. */
export const periodTitle = (period: string): string => periodTitles[period] ?? period

/** Known periods first, in reading order, then any other suffix alphabetically; empty ones left out. */
export const orderedPeriods = (
  statistics: Readonly<Record<string, ReadonlyArray<StatisticResult>>>,
): ReadonlyArray<string> => {
  const present = Object.keys(statistics).filter((period) => (statistics[period] ?? []).length > 0)
  const known: ReadonlyArray<string> = periodOrder
  return [
    ...known.filter((period) => present.includes(period)),
    ...present.filter((period) => !known.includes(period)).sort(),
  ]
}

/** Compares window indices as numbers when they are numbers, as text otherwise. */
export const compareWindows = (a: string, b: string): number => {
  const x = Number(a)
  const y = Number(b)
  if (Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y
  return a < b ? -1 : a > b ? 1 : 0
}

/** Distinct window indices of the rows, first to last. */
export const windowsOf = (rows: ReadonlyArray<StatisticResult>): ReadonlyArray<string> =>
  [...new Set(rows.map(({ window_index }) => window_index))].sort(compareWindows)

/** The rows of the last window present, or none. */
export const latestWindowRows = (
  rows: ReadonlyArray<StatisticResult>,
): { readonly window: string | undefined; readonly rows: ReadonlyArray<StatisticResult> } => {
  const window = windowsOf(rows).at(-1)
  return { window, rows: rows.filter(({ window_index }) => window_index === window) }
}

/** "all" first, then the others in alphabetical order. */
export const orderedSegments = (rows: ReadonlyArray<StatisticResult>): ReadonlyArray<string> => {
  const others = [...new Set(rows.map(({ segment }) => segment))]
    .filter((segment) => segment !== "all")
    .sort()
  return ["all", ...others]
}

/** Enrollments first, then exposures, then anything else. */
export const orderedBases = (rows: ReadonlyArray<StatisticResult>): ReadonlyArray<string> => {
  const known = ["enrollments", "exposures"]
  const present = [...new Set<string>(rows.map(({ analysis_basis }) => analysis_basis))]
  return [
    ...known.filter((basis) => present.includes(basis)),
    ...present.filter((basis) => !known.includes(basis)).sort(),
  ]
}

/** Groups in first-seen order. */
export const groupBy = <A, K>(items: ReadonlyArray<A>, key: (item: A) => K): Map<K, A[]> => {
  const groups = new Map<K, A[]>()
  for (const item of items) {
    const k = key(item)
    const group = groups.get(k)
    if (group === undefined) groups.set(k, [item])
    else group.push(item)
  }
  return groups
}

/**
 * Branches in the order a reader expects: the reference first, then the experiment's
 * branches as configured, then any branch that only the rows know of.
 */
export const orderedBranches = (
  reference: string,
  configured: ReadonlyArray<string>,
  rows: ReadonlyArray<StatisticResult>,
): ReadonlyArray<string> => {
  const known = [reference, ...configured.filter((branch) => branch !== reference)]
  const extra = [...new Set(rows.map(({ branch }) => branch))]
    .filter((branch) => !known.includes(branch))
    .sort()
  return [...known, ...extra]
}

/** A parameter as a number for plotting (the JSON may hold "0.1" or 0.1); NaN when it is not. */
export const parameterValue = (parameter: number | string | null): number =>
  parameter === null ? Number.NaN : Number(parameter)

export type Comparison = "relative_uplift" | "difference"

/**
 * The comparison a chart shows against the reference: the relative uplift, which reads the
 * same whatever the metric's unit, or the difference when the statistic has no uplift.
 */
export const preferredComparison = (
  rows: ReadonlyArray<StatisticResult>,
  reference: string,
): { readonly comparison: Comparison; readonly rows: ReadonlyArray<StatisticResult> } => {
  const against = (comparison: Comparison) =>
    rows.filter(
      (row) =>
        row.comparison === comparison &&
        row.comparison_to_branch === reference &&
        row.branch !== reference,
    )
  const uplift = against("relative_uplift")
  return uplift.length > 0
    ? { comparison: "relative_uplift", rows: uplift }
    : { comparison: "difference", rows: against("difference") }
}
