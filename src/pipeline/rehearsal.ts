import { type Effect, Stream } from "effect"
import {
  overallWindow,
  preEnrollmentPeriods,
  preEnrollmentWindow,
  timeSeriesPeriods,
  timeSeriesWindow,
} from "../domain/analysis-period.js"
import type { AnalysisConfiguration } from "../domain/config/analysis-configuration.js"
import type { IsoDate } from "../domain/dates.js"
import { overallAnalysisLength } from "../domain/experiment-schedule.js"
import type { DueWindow } from "../domain/readiness.js"
import type { Warehouse } from "../services/warehouse/warehouse.js"
import { type AnalysisSettings, analyseExperiment } from "./analyse-experiment.js"
import { configHash } from "./config-hash.js"

/**
 * A rehearsal runs an experiment's analysis on a warehouse that runs nothing
 * (`Warehouse.rehearsal`), so that every statement a real run would send is sent — and
 * recorded or checked — without data: `validate-config --sql-output-dir / --dry-run`.
 */

/** One window of every period: the pre-enrollment ones, the first of each series, overall. */
export const rehearsalWindows = (configuration: AnalysisConfiguration, date: IsoDate) => {
  const length = overallAnalysisLength(configuration.schedule)
  const overall = length === undefined ? undefined : overallWindow(length)
  const windows = [
    ...preEnrollmentPeriods.map(preEnrollmentWindow),
    ...timeSeriesPeriods.map((period) => timeSeriesWindow(period, 1)),
    ...(overall === undefined ? [] : [overall]),
  ]
  return windows
    .filter(({ period }) => configuration.periods[period].summaries.length > 0)
    .map((window): DueWindow => ({ period: window.period, window, analysisDate: date }))
}

/** The metrics a BOOL column holds as far as configuration tells: those with a binomial. */
export const booleanMetricNames = (
  configurations: ReadonlyArray<AnalysisConfiguration>,
): ReadonlyArray<string> => [
  ...new Set(
    configurations.flatMap((configuration) =>
      Object.values(configuration.periods).flatMap(({ summaries }) =>
        summaries
          .filter(({ statistic }) => statistic.name === "binomial")
          .map(({ metric }) => metric.name),
      ),
    ),
  ),
]

/** Sends every statement of `configuration`'s analysis on `date`, for its rehearsal windows. */
export const rehearseConfiguration = (
  configuration: AnalysisConfiguration,
  date: IsoDate,
  settings: AnalysisSettings,
): Effect.Effect<void, never, Warehouse> =>
  Stream.runDrain(
    analyseExperiment(
      {
        status: "due",
        experiment: configuration.experiment,
        configuration,
        configHash: configHash(configuration),
        due: rehearsalWindows(configuration, date),
      },
      date,
      settings,
    ),
  )
