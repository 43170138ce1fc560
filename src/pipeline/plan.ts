import { Either } from "effect"
import type { AnalysisPeriod } from "../domain/analysis-period.js"
import type { AnalysisConfiguration } from "../domain/config/analysis-configuration.js"
import type { ConfigCollection } from "../domain/config/collection.js"
import { errorsOf } from "../domain/config/config-issue.js"
import { resolveAnalysisConfiguration } from "../domain/config/resolve-analysis.js"
import type { AnalysisSpec } from "../domain/config/spec.js"
import { addDays, compareDates, type IsoDate } from "../domain/dates.js"
import type { Experiment } from "../domain/experiment.js"
import { checkAnalysable } from "../domain/not-analysed.js"
import { type DueWindow, dueWindows } from "../domain/readiness.js"
import { configHash } from "./config-hash.js"

/** How long after its end an experiment is still looked at (Jetstream's 90 days). */
export const endedExperimentHorizonDays = 90

/** What a run on a date would do with one experiment, and why. */
export type PlannedExperiment =
  | {
      readonly status: "due"
      readonly experiment: Experiment
      readonly configuration: AnalysisConfiguration
      readonly configHash: string
      readonly due: ReadonlyArray<DueWindow>
    }
  | {
      readonly status: "nothing-due" | "not-analysed" | "invalid"
      readonly experiment: Experiment
      /** The tag of the reason (EndedException, RolloutSkip, ...; InvalidConfiguration). */
      readonly reasonType: string
      readonly reason: string
    }

export interface PlanOptions {
  /** Only these periods (all when absent). */
  readonly periods?: ReadonlyArray<AnalysisPeriod>
  /** A per-experiment config to use instead of the collection's (`--config-file`). */
  readonly customConfig?: AnalysisSpec
}

/**
 * The experiments a run on `date` looks at: started by then, and live or ended at most
 * 90 days before; `slugs` narrows them down (an unknown slug is the caller's to report).
 */
export const selectExperiments = (
  experiments: ReadonlyArray<Experiment>,
  date: IsoDate,
  slugs?: ReadonlyArray<string>,
): ReadonlyArray<Experiment> =>
  experiments.filter((experiment) =>
    slugs !== undefined && slugs.length > 0
      ? slugs.includes(experiment.slug)
      : (experiment.startDate === undefined || compareDates(experiment.startDate, date) <= 0) &&
        (experiment.endDate === undefined ||
          compareDates(experiment.endDate, addDays(date, -endedExperimentHorizonDays)) >= 0),
  )

/** Resolves, validates and checks readiness of one experiment on `date`. */
export const planExperiment = (
  collection: ConfigCollection,
  experiment: Experiment,
  date: IsoDate,
  options: PlanOptions = {},
): PlannedExperiment => {
  const resolved = resolveAnalysisConfiguration({
    collection,
    experiment,
    ...(options.customConfig === undefined ? {} : { customConfig: options.customConfig }),
  })
  if (Either.isLeft(resolved)) {
    // A rollout is never analysed: its configuration's problems are nobody's concern.
    const analysable = checkAnalysable(experiment, {}, date)
    if (Either.isLeft(analysable) && analysable.left._tag === "RolloutSkip") {
      return notAnalysed(experiment, analysable.left._tag, analysable.left.message)
    }
    return {
      status: "invalid",
      experiment,
      reasonType: "InvalidConfiguration",
      reason: errorsOf(resolved.left)
        .map(({ path, message }) => (path === "" ? message : `${path}: ${message}`))
        .join("; "),
    }
  }
  const configuration = resolved.right
  const analysable = checkAnalysable(
    experiment,
    { ...configuration.overrides, skip: configuration.skip },
    date,
  )
  if (Either.isLeft(analysable)) {
    return notAnalysed(experiment, analysable.left._tag, analysable.left.message)
  }
  const due = dueWindows(analysable.right, date).filter(
    ({ period }) => options.periods === undefined || options.periods.includes(period),
  )
  if (due.length === 0) {
    return {
      status: "nothing-due",
      experiment,
      reasonType: "NothingDue",
      reason: `no analysis window of ${experiment.slug} ends on ${date}`,
    }
  }
  return { status: "due", experiment, configuration, configHash: configHash(configuration), due }
}

const notAnalysed = (
  experiment: Experiment,
  reasonType: string,
  reason: string,
): PlannedExperiment => ({
  status: "not-analysed",
  experiment,
  reasonType,
  reason,
})
