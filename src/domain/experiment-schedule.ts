import { addDays, daysBetween, type IsoDate } from "./dates.js"
import type { Experiment } from "./experiment.js"

/** What a per-experiment config (`[experiment]` in metric-hub TOML) may change. */
export interface ScheduleOverrides {
  readonly startDate?: IsoDate
  readonly endDate?: IsoDate
  readonly enrollmentPeriod?: number
  readonly referenceBranch?: string
}

/** An experiment's effective dates (and reference branch), after overrides. */
export interface ExperimentSchedule {
  readonly startDate?: IsoDate
  readonly endDate?: IsoDate
  /** Days of enrollment after the start date (Jetstream's `enrollment_period`). */
  readonly enrollmentPeriod?: number
  /**
   * start + enrollment period. Clients enroll from the start date through this date: the
   * enrollment period + 1 dates Jetstream takes (`num_dates_enrollment`), one more than the
   * enrollment end date, since enrollment starts a few hours before UTC midnight.
   */
  readonly lastEnrollmentDate?: IsoDate
  readonly referenceBranch?: string
}

/**
 * Enrollment period = the config's `enrollment_period`, else enrollment end date − start
 * date + 1 day, else Experimenter's proposedEnrollment (metric-config-parser's
 * `ExperimentConfiguration.enrollment_period`). The start date used is the effective one.
 * Start 2019-12-01, enrollment end 2019-12-07: period 7, last enrollment date 2019-12-08.
 */
export const experimentSchedule = (
  experiment: Experiment,
  overrides: ScheduleOverrides = {},
): ExperimentSchedule => {
  const startDate = overrides.startDate ?? experiment.startDate
  const endDate = overrides.endDate ?? experiment.endDate
  const referenceBranch = overrides.referenceBranch ?? experiment.referenceBranch
  const enrollmentPeriod =
    overrides.enrollmentPeriod ??
    (experiment.enrollmentEndDate !== undefined && startDate !== undefined
      ? daysBetween(startDate, experiment.enrollmentEndDate) + 1
      : experiment.proposedEnrollment)
  return {
    ...(startDate === undefined ? {} : { startDate }),
    ...(endDate === undefined ? {} : { endDate }),
    ...(enrollmentPeriod === undefined ? {} : { enrollmentPeriod }),
    ...(startDate === undefined || enrollmentPeriod === undefined
      ? {}
      : { lastEnrollmentDate: addDays(startDate, enrollmentPeriod) }),
    ...(referenceBranch === undefined ? {} : { referenceBranch }),
  }
}

/**
 * The experiment's length, end date − start date, in days: what the enrollment period must
 * not exceed.
 */
export const experimentLength = (schedule: ExperimentSchedule): number | undefined =>
  schedule.startDate === undefined || schedule.endDate === undefined
    ? undefined
    : daysBetween(schedule.startDate, schedule.endDate)

/**
 * Days of the overall window: the experiment's length minus the enrollment period
 * (Jetstream: (end − start) − (enrollment period + 1) + 1), so that the clients who enroll
 * last are observed up to the day before the end date. Negative when enrollment outlasts
 * the experiment.
 */
export const overallAnalysisLength = (schedule: ExperimentSchedule): number | undefined => {
  const length = experimentLength(schedule)
  return length === undefined || schedule.enrollmentPeriod === undefined
    ? undefined
    : length - schedule.enrollmentPeriod
}
