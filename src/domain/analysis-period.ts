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

/** Periods whose windows repeat through the experiment (a time series). */
export const timeSeriesPeriods = ["day", "week", "days28"] as const
export type TimeSeriesPeriod = (typeof timeSeriesPeriods)[number]

/** Periods of one window just before each client enrolled (covariates for CUPED). */
export const preEnrollmentPeriods = ["preenrollment_week", "preenrollment_days28"] as const
export type PreEnrollmentPeriod = (typeof preEnrollmentPeriods)[number]

export const isPreEnrollmentPeriod = (period: AnalysisPeriod): period is PreEnrollmentPeriod =>
  (preEnrollmentPeriods as ReadonlyArray<AnalysisPeriod>).includes(period)

/** Whom a window counts: every enrolled client, or only those exposed to the feature. */
export const analysisBases = ["enrollments", "exposures"] as const
export type AnalysisBasis = (typeof analysisBases)[number]

/**
 * Days in one window of a period. Overall has no fixed length: it runs from enrollment to
 * the end of the experiment, so its length depends on the experiment.
 */
export const periodLength = {
  day: 1,
  week: 7,
  days28: 28,
  overall: undefined,
  preenrollment_week: 7,
  preenrollment_days28: 28,
} as const satisfies Readonly<Record<AnalysisPeriod, number | undefined>>

/** Suffix of the tables and files of a period (`statistics_<slug>_weekly`). */
export const tableSuffix: Readonly<Record<AnalysisPeriod, string>> = {
  day: "daily",
  week: "weekly",
  days28: "days28",
  overall: "overall",
  preenrollment_week: "preenrollment_weekly",
  preenrollment_days28: "preenrollment_days28",
}

/** metric-hub TOML also writes `28_day` for days28 (mozanalysis's name of the period). */
const configKeyAliases: ReadonlyMap<string, AnalysisPeriod> = new Map([["28_day", "days28"]])

/** The `[metrics]` key of a period in metric-hub TOML: the same word as its table suffix. */
export const configKeyOf = (period: AnalysisPeriod): string => tableSuffix[period]

/** Every key a `[metrics]` table may list metrics under, aliases included. */
export const periodConfigKeys: ReadonlyArray<string> = [
  ...Object.values(tableSuffix),
  ...configKeyAliases.keys(),
]

/** The period of a `[metrics]` key (`weekly`, `28_day`, ...); undefined for other keys. */
export const periodForConfigKey = (key: string): AnalysisPeriod | undefined =>
  configKeyAliases.get(key) ?? analysisPeriods.find((period) => tableSuffix[period] === key)

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
  /** First day, relative to each client's enrollment date (negative before it). */
  readonly start: number
  /** Last day, inclusive. */
  readonly end: number
}

/** Window `index` (1-based) of a time-series period: [(index−1)·P, index·P − 1]. */
export const timeSeriesWindow = (period: TimeSeriesPeriod, index: number): AnalysisWindow => {
  const length = periodLength[period]
  return { period, index, start: (index - 1) * length, end: index * length - 1 }
}

/** The single window of a pre-enrollment period: the P days before enrollment, [−P, −1]. */
export const preEnrollmentWindow = (period: PreEnrollmentPeriod): AnalysisWindow => ({
  period,
  index: 1,
  start: -periodLength[period],
  end: -1,
})

/**
 * The single overall window, [0, analysis length − 1]; undefined when the analysis has no
 * day (enrollment lasts as long as the experiment, or longer).
 */
export const overallWindow = (analysisLength: number): AnalysisWindow | undefined =>
  analysisLength >= 1
    ? { period: "overall", index: 1, start: 0, end: analysisLength - 1 }
    : undefined
