import {
  type AnalysisPeriod,
  type AnalysisWindow,
  overallWindow,
  periodLength,
  preEnrollmentPeriods,
  preEnrollmentWindow,
  timeSeriesPeriods,
  timeSeriesWindow,
} from "./analysis-period.js"
import { addDays, compareDates, daysBetween, type IsoDate } from "./dates.js"
import { type ExperimentSchedule, overallAnalysisLength } from "./experiment-schedule.js"

/** A window whose data is complete on `analysisDate` for every enrolled client. */
export interface DueWindow {
  readonly period: AnalysisPeriod
  readonly window: AnalysisWindow
  readonly analysisDate: IsoDate
}

const dueOn = (window: AnalysisWindow, analysisDate: IsoDate): DueWindow => ({
  period: window.period,
  window,
  analysisDate,
})

/**
 * The windows due on `date`, by Jetstream's readiness rule (`_get_timelimits_if_ready`).
 * With S the start date, E the enrollment period and L = S + E the last enrollment date:
 * - window i (0-based) of day, week and days28 (length P) is due on L + P·(i+1) − 1, the
 *   date its last day is complete for the clients enrolled on L; so at most one window per
 *   period is due on a date;
 * - both pre-enrollment periods are due once, on S + E + 1;
 * - overall is due on the end date, when the analysis after enrollment has at least one day
 *   (its data stops the day before the end date, as in Jetstream).
 * Nothing is due after the end date (Jetstream's EndedException), so a window that would
 * close after it never is; nothing is due without a start date and enrollment period.
 */
export const dueWindows = (
  schedule: ExperimentSchedule,
  date: IsoDate,
): ReadonlyArray<DueWindow> => {
  const { lastEnrollmentDate, endDate, enrollmentPeriod } = schedule
  if (lastEnrollmentDate === undefined || enrollmentPeriod === undefined || enrollmentPeriod < 0) {
    return []
  }
  if (endDate !== undefined && compareDates(date, endDate) > 0) return []
  const daysOfData = daysBetween(lastEnrollmentDate, date) + 1
  const due: DueWindow[] = []
  for (const period of timeSeriesPeriods) {
    const length = periodLength[period]
    if (daysOfData >= length && daysOfData % length === 0) {
      due.push(dueOn(timeSeriesWindow(period, daysOfData / length), date))
    }
  }
  const overallLength = overallAnalysisLength(schedule)
  const overall = overallLength === undefined ? undefined : overallWindow(overallLength)
  if (date === endDate && overall !== undefined) due.push(dueOn(overall, date))
  if (date === addDays(lastEnrollmentDate, 1)) {
    for (const period of preEnrollmentPeriods) due.push(dueOn(preEnrollmentWindow(period), date))
  }
  return due
}
