import { addDays, daysBetween, type IsoDate } from "./dates.js"
import type { Experiment } from "./experiment.js"

/** Per-experiment config overrides of Experimenter's dates (`[experiment]` in TOML). */
export interface ScheduleOverrides {
  readonly startDate?: IsoDate
  readonly endDate?: IsoDate
  readonly enrollmentPeriod?: number
}

/** An experiment's effective dates, after overrides. */
export interface ExperimentSchedule {
  readonly startDate?: IsoDate
  readonly endDate?: IsoDate
  /** Days of enrollment after the start date (Jetstream's `enrollment_period`). */
  readonly enrollmentPeriod?: number
  /**
   * start + enrollment period: the last day clients enroll, counting the start day as day 0
   * (Jetstream enrolls over enrollment period + 1 dates).
   */
  readonly lastEnrollmentDate?: IsoDate
}

/**
 * Enrollment period = the config override, else enrollmentEndDate − startDate + 1 day,
 * else Experimenter's proposedEnrollment (as metric-config-parser computes it).
 */
export const experimentSchedule = (
  experiment: Experiment,
  overrides: ScheduleOverrides = {},
): ExperimentSchedule => {
  const startDate = overrides.startDate ?? experiment.startDate
  const endDate = overrides.endDate ?? experiment.endDate
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
  }
}

/**
 * Days of the overall window: from the last enrollment date to the end date
 * (Jetstream: end − start − (enrollment period + 1) + 1). Negative when enrollment
 * outlasts the experiment.
 */
export const overallAnalysisLength = (schedule: ExperimentSchedule): number | undefined =>
  schedule.startDate === undefined ||
  schedule.endDate === undefined ||
  schedule.enrollmentPeriod === undefined
    ? undefined
    : daysBetween(schedule.startDate, schedule.endDate) - schedule.enrollmentPeriod
