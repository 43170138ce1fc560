import { Data, Either } from "effect"
import { compareDates, type IsoDate } from "./dates.js"
import type { Experiment } from "./experiment.js"
import {
  type ExperimentSchedule,
  experimentLength,
  experimentSchedule,
  type ScheduleOverrides,
} from "./experiment-schedule.js"
import { platforms } from "./platform.js"

/** The `appName`s Slipstream analyses (Jetstream's platform_config.toml). */
export const supportedApplications: ReadonlyArray<string> = platforms.map(
  (platform) => platform.appName,
)

// Why an experiment is not analysed on a date: one tagged error per reason (Jetstream's
// errors.py), each naming the experiment and saying what would make it analysable.

/** `slug` stands in for the missing slug: the record's position (`#3`) or "unknown". */
export class NoSlug extends Data.TaggedError("NoSlug")<{ readonly slug: string }> {
  override get message() {
    return `experiment ${this.slug} has no slug: results are named after slugs, so it is not analysed`
  }
}

export class NoStartDate extends Data.TaggedError("NoStartDate")<{ readonly slug: string }> {
  override get message() {
    return `${this.slug} has no start date: it has not launched, or set start_date in its config`
  }
}

/** No enrollment period at all, or a negative one (enrollment ending before the start). */
export class NoEnrollmentPeriod extends Data.TaggedError("NoEnrollmentPeriod")<{
  readonly slug: string
  readonly enrollmentPeriod?: number
}> {
  override get message() {
    return this.enrollmentPeriod === undefined
      ? `${this.slug} has no enrollment period: it needs an enrollment end date or proposed enrollment in Experimenter, or enrollment_period in its config`
      : `${this.slug} has an enrollment period of ${this.enrollmentPeriod} days: its enrollment ends before it starts`
  }
}

/**
 * Enrollment is still open on `date`: Experimenter has recorded no enrollment end date (and
 * no config sets enrollment_period), or `date` comes before the last enrollment date.
 */
export class EnrollmentNotComplete extends Data.TaggedError("EnrollmentNotComplete")<{
  readonly slug: string
  readonly date: IsoDate
  readonly startDate?: IsoDate
  readonly lastEnrollmentDate?: IsoDate
}> {
  override get message() {
    if (this.startDate === undefined || this.lastEnrollmentDate === undefined) {
      return `${this.slug} is still enrolling on ${this.date}: Experimenter has no enrollment end date for it yet (set enrollment_period in its config to analyse it now)`
    }
    const runs = `enrollment runs from ${this.startDate} through ${this.lastEnrollmentDate}, when its first window is due`
    return compareDates(this.date, this.startDate) < 0
      ? `${this.slug} has not started on ${this.date}: ${runs}`
      : `${this.slug} is still enrolling on ${this.date}: ${runs}`
  }
}

/** The experiment ended before `date`: every window it has was due on or before its end. */
export class EndedException extends Data.TaggedError("EndedException")<{
  readonly slug: string
  readonly endDate: IsoDate
  readonly date: IsoDate
}> {
  override get message() {
    return `${this.slug} ended on ${this.endDate}, before ${this.date}: nothing is left to analyse`
  }
}

export class ExplicitSkip extends Data.TaggedError("ExplicitSkip")<{ readonly slug: string }> {
  override get message() {
    return `${this.slug} is skipped by its config (skip = true)`
  }
}

export class RolloutSkip extends Data.TaggedError("RolloutSkip")<{ readonly slug: string }> {
  override get message() {
    return `${this.slug} is a rollout: rollouts have no control branch to compare with and are not analysed`
  }
}

export class UnsupportedApplication extends Data.TaggedError("UnsupportedApplication")<{
  readonly slug: string
  readonly appName: string
}> {
  override get message() {
    return `${this.slug} runs on "${this.appName}", which Slipstream does not analyse (supported: ${supportedApplications.join(", ")})`
  }
}

/** Enrollment lasts longer than the experiment (end − start): no client is observed after it. */
export class EnrollmentLongerThanAnalysis extends Data.TaggedError("EnrollmentLongerThanAnalysis")<{
  readonly slug: string
  readonly enrollmentPeriod: number
  readonly experimentLength: number
}> {
  override get message() {
    return `${this.slug} enrolls for ${this.enrollmentPeriod} days but runs for only ${this.experimentLength} days (end date − start date): no analysis window follows enrollment; check its dates or enrollment_period`
  }
}

export type NotAnalysedReason =
  | NoSlug
  | NoStartDate
  | NoEnrollmentPeriod
  | EnrollmentNotComplete
  | EndedException
  | ExplicitSkip
  | RolloutSkip
  | UnsupportedApplication
  | EnrollmentLongerThanAnalysis

/** A per-experiment config's `[experiment]` table, as far as it decides analysing. */
export interface AnalysisOverrides extends ScheduleOverrides {
  readonly skip?: boolean
}

/**
 * Whether an experiment is analysed on `date`, and its schedule when it is. The checks run
 * in Jetstream's order (`Analysis.check_runnable`, then `run`'s enrollment check, then the
 * overall window's length check), except that:
 * - a missing start date is reported before a missing enrollment period, which cannot be
 *   computed from an enrollment end date without it;
 * - an enrollment of 0 days (clients enroll on the start date only) is a period, where
 *   Jetstream, which stores "none" as 0, calls it missing;
 * - enrolling for longer than the experiment runs is reported on every date, not only on
 *   the end date, since no window can ever be due;
 * - a date before the last enrollment date is "enrollment not complete" (Jetstream runs
 *   and finds nothing due).
 */
export const checkAnalysable = (
  experiment: Experiment,
  overrides: AnalysisOverrides,
  date: IsoDate,
): Either.Either<ExperimentSchedule, NotAnalysedReason> => {
  const { slug } = experiment
  if (slug.trim() === "") return Either.left(new NoSlug({ slug: "unknown" }))
  if (overrides.skip === true) return Either.left(new ExplicitSkip({ slug }))
  const schedule = experimentSchedule(experiment, overrides)
  const { startDate, endDate, enrollmentPeriod, lastEnrollmentDate } = schedule
  if (startDate === undefined) return Either.left(new NoStartDate({ slug }))
  if (enrollmentPeriod === undefined || enrollmentPeriod < 0 || lastEnrollmentDate === undefined) {
    return Either.left(
      new NoEnrollmentPeriod(
        enrollmentPeriod === undefined ? { slug } : { slug, enrollmentPeriod },
      ),
    )
  }
  if (endDate !== undefined && compareDates(endDate, date) < 0) {
    return Either.left(new EndedException({ slug, endDate, date }))
  }
  if (experiment.isRollout) return Either.left(new RolloutSkip({ slug }))
  if (!supportedApplications.includes(experiment.appName)) {
    return Either.left(new UnsupportedApplication({ slug, appName: experiment.appName }))
  }
  if (experiment.enrollmentEndDate === undefined && overrides.enrollmentPeriod === undefined) {
    return Either.left(new EnrollmentNotComplete({ slug, date }))
  }
  const length = experimentLength(schedule)
  if (length !== undefined && enrollmentPeriod > length) {
    return Either.left(
      new EnrollmentLongerThanAnalysis({ slug, enrollmentPeriod, experimentLength: length }),
    )
  }
  if (compareDates(date, lastEnrollmentDate) < 0) {
    return Either.left(new EnrollmentNotComplete({ slug, date, startDate, lastEnrollmentDate }))
  }
  return Either.right(schedule)
}
