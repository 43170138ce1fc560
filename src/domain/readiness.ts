import {
  type AnalysisWindow,
  periodLength,
  preEnrollmentLength,
  timeSeriesWindow,
} from "./analysis-period.js"
import { addDays, compareDates, daysBetween, type IsoDate } from "./dates.js"
import { type ExperimentSchedule, overallAnalysisLength } from "./experiment-schedule.js"

/** A window whose data is complete on `date`, for every enrolled client. */
export interface DueWindow {
  readonly window: AnalysisWindow
  readonly date: IsoDate
}

/**
 * The windows due on `date` (Jetstream's readiness rule). With L the last enrollment date
 * (start + enrollment period):
 * - window i (1-based) of day, week and days28 (length P) is due on L + P·i − 1, when that
 *   is no later than the end date — so at most one window per period is due on a date;
 * - both pre-enrollment periods on L + 1, once;
 * - overall on the end date, when the analysis after enrollment has at least one day.
 */
export const dueWindows = (
  schedule: ExperimentSchedule,
  date: IsoDate,
): ReadonlyArray<DueWindow> => {
  const { lastEnrollmentDate, endDate } = schedule
  if (lastEnrollmentDate === undefined) return []
  if (endDate !== undefined && compareDates(date, endDate) > 0) return []
  const due: DueWindow[] = []
  const daysOfData = daysBetween(lastEnrollmentDate, date) + 1
  for (const period of ["day", "week", "days28"] as const) {
    const length = periodLength[period]
    if (daysOfData >= length && daysOfData % length === 0) {
      due.push({ window: timeSeriesWindow(period, daysOfData / length), date })
    }
  }
  if (date === addDays(lastEnrollmentDate, 1)) {
    for (const period of ["preenrollment_week", "preenrollment_days28"] as const) {
      due.push({ window: { period, index: 1, start: -preEnrollmentLength[period], end: -1 }, date })
    }
  }
  const overallLength = overallAnalysisLength(schedule)
  if (date === endDate && overallLength !== undefined && overallLength >= 1) {
    due.push({ window: { period: "overall", index: 1, start: 0, end: overallLength - 1 }, date })
  }
  return due
}
