import { Data, Either } from "effect"
import { compareDates, type IsoDate } from "./dates.js"
import type { Experiment } from "./experiment.js"
import {
  type ExperimentSchedule,
  experimentSchedule,
  overallAnalysisLength,
  type ScheduleOverrides,
} from "./experiment-schedule.js"
import { platformOf, platforms } from "./platform.js"

/** Why an experiment is not analysed on a date: one tagged error per reason. */

export class NoSlug extends Data.TaggedError("NoSlug")<{ readonly slug: string }> {
  override get message() {
    return "the experiment has no slug, so nothing can be named after it"
  }
}

export class NoStartDate extends Data.TaggedError("NoStartDate")<{ readonly slug: string }> {
  override get message() {
    return `${this.slug} has no start date: it has not launched`
  }
}

export class NoEnrollmentPeriod extends Data.TaggedError("NoEnrollmentPeriod")<{
  readonly slug: string
}> {
  override get message() {
    return `${this.slug} has no enrollment period: set an enrollment end date or proposed enrollment in Experimenter, or enrollment_period in its config`
  }
}

export class EnrollmentNotComplete extends Data.TaggedError("EnrollmentNotComplete")<{
  readonly slug: string
}> {
  override get message() {
    return `${this.slug} is still enrolling (no enrollment end date): it is analysed once enrollment ends, or set enrollment_period in its config`
  }
}

export class Ended extends Data.TaggedError("Ended")<{
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
    return `${this.slug} is a rollout: rollouts have no control to compare with and are not analysed`
  }
}

export class UnsupportedApplication extends Data.TaggedError("UnsupportedApplication")<{
  readonly slug: string
  readonly appName: string
}> {
  override get message() {
    return `${this.slug} runs on "${this.appName}", which Slipstream does not analyse (supported: ${platforms.map((platform) => platform.appName).join(", ")})`
  }
}

export class EnrollmentLongerThanAnalysis extends Data.TaggedError("EnrollmentLongerThanAnalysis")<{
  readonly slug: string
  readonly enrollmentPeriod: number
  readonly analysisDays: number
}> {
  override get message() {
    return `${this.slug} enrolls for ${this.enrollmentPeriod} days but runs only ${this.analysisDays} days in all: there is no analysis window after enrollment`
  }
}

export type NotAnalysedReason =
  | NoSlug
  | NoStartDate
  | NoEnrollmentPeriod
  | EnrollmentNotComplete
  | Ended
  | ExplicitSkip
  | RolloutSkip
  | UnsupportedApplication
  | EnrollmentLongerThanAnalysis

export interface AnalysisOverrides extends ScheduleOverrides {
  readonly skip?: boolean
}

/**
 * Whether an experiment is analysed on `date`, in Jetstream's order of checks; the schedule
 * when it is. Unlike Jetstream, an enrollment period of 0 days (enrollment on the start day
 * only) is a period, not a missing one.
 */
export const checkAnalysable = (
  experiment: Experiment,
  overrides: AnalysisOverrides,
  date: IsoDate,
): Either.Either<ExperimentSchedule, NotAnalysedReason> => {
  const slug = experiment.slug
  if (slug.trim() === "") return Either.left(new NoSlug({ slug }))
  if (overrides.skip === true) return Either.left(new ExplicitSkip({ slug }))
  const schedule = experimentSchedule(experiment, overrides)
  if (schedule.enrollmentPeriod === undefined) return Either.left(new NoEnrollmentPeriod({ slug }))
  if (schedule.startDate === undefined) return Either.left(new NoStartDate({ slug }))
  if (schedule.endDate !== undefined && compareDates(schedule.endDate, date) < 0) {
    return Either.left(new Ended({ slug, endDate: schedule.endDate, date }))
  }
  if (experiment.isRollout) return Either.left(new RolloutSkip({ slug }))
  if (platformOf(experiment.appName) === undefined) {
    return Either.left(new UnsupportedApplication({ slug, appName: experiment.appName }))
  }
  if (experiment.enrollmentEndDate === undefined && overrides.enrollmentPeriod === undefined) {
    return Either.left(new EnrollmentNotComplete({ slug }))
  }
  const analysisLength = overallAnalysisLength(schedule)
  if (analysisLength !== undefined && analysisLength < 0) {
    return Either.left(
      new EnrollmentLongerThanAnalysis({
        slug,
        enrollmentPeriod: schedule.enrollmentPeriod,
        analysisDays: analysisLength + schedule.enrollmentPeriod,
      }),
    )
  }
  return Either.right(schedule)
}
