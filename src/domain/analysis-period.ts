/**
 * Analysis periods and windows, in Jetstream's words. A window is an inclusive range of days
 * relative to each client's own enrollment date (day 0); window i (0-based) of a period of
 * length P is [i·P, (i+1)·P − 1]; `index` in outputs is 1-based.
 */

export const analysisPeriods = [
  "day",
  "week",
  "days28",
  "overall",
  "preenrollment_week",
  "preenrollment_days28",
] as const
export type AnalysisPeriod = (typeof analysisPeriods)[number]

export type AnalysisBasis = "enrollments" | "exposures"

/** Periods whose windows repeat through the experiment (a time series). */
export type TimeSeriesPeriod = "day" | "week" | "days28"

export const periodLength: Readonly<Record<TimeSeriesPeriod, number>> = {
  day: 1,
  week: 7,
  days28: 28,
}

/** The days before enrollment a pre-enrollment period covers. */
export const preEnrollmentLength = { preenrollment_week: 7, preenrollment_days28: 28 } as const

/** Suffix of the tables and files of a period (`statistics_<slug>_weekly`). */
export const tableSuffix: Readonly<Record<AnalysisPeriod, string>> = {
  day: "daily",
  week: "weekly",
  days28: "days28",
  overall: "overall",
  preenrollment_week: "preenrollment_weekly",
  preenrollment_days28: "preenrollment_days28",
}

const configKeys: Readonly<Record<AnalysisPeriod, string>> = {
  day: "daily",
  week: "weekly",
  days28: "days28",
  overall: "overall",
  preenrollment_week: "preenrollment_weekly",
  preenrollment_days28: "preenrollment_days28",
}

/** The `[metrics]` key of a period in metric-hub TOML. */
export const configKeyOf = (period: AnalysisPeriod): string => configKeys[period]

/** Every key a `[metrics]` table may list metrics under, with metric-hub's alias `28_day`. */
export const periodConfigKeys: ReadonlyArray<string> = [...Object.values(configKeys), "28_day"]

export const periodForConfigKey = (key: string): AnalysisPeriod | undefined =>
  key === "28_day" ? "days28" : analysisPeriods.find((period) => configKeys[period] === key)

/** A record with one value per period, built without casts. */
export const byPeriod = <T>(
  valueFor: (period: AnalysisPeriod) => T,
): Record<AnalysisPeriod, T> => ({
  day: valueFor("day"),
  week: valueFor("week"),
  days28: valueFor("days28"),
  overall: valueFor("overall"),
  preenrollment_week: valueFor("preenrollment_week"),
  preenrollment_days28: valueFor("preenrollment_days28"),
})

export interface AnalysisWindow {
  readonly period: AnalysisPeriod
  /** 1-based, as in published results. */
  readonly index: number
  /** First day, relative to enrollment (negative before it). */
  readonly start: number
  /** Last day, inclusive. */
  readonly end: number
}

/** Window `index` (1-based) of a time-series period. */
export const timeSeriesWindow = (period: TimeSeriesPeriod, index: number): AnalysisWindow => {
  const length = periodLength[period]
  return { period, index, start: (index - 1) * length, end: index * length - 1 }
}
