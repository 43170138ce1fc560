import { Effect } from "effect"
import { demoExperiments, demoToday } from "../demo/demo-calendar.js"
import { demoTelemetrySources } from "../demo/demo-telemetry.js"
import { compareDates } from "../domain/dates.js"
import { ConfigRepository } from "../services/config-repository.js"
import { ExperimentSource } from "../services/experiment-source.js"
import { planExperiment, selectExperiments } from "./plan.js"
import { datesBetween, type RunSettings, runDates, runSettings } from "./run.js"

/** The demo's calendar: from the first demo experiment's start to the demo's today. */
export const demoDates = () => {
  const first = demoExperiments
    .map(({ startDate }) => startDate)
    .reduce((earliest, date) => (compareDates(date, earliest) < 0 ? date : earliest))
  return datesBetween(first, demoToday)
}

export const demoRunSettings = (seed: number): RunSettings =>
  runSettings({ sources: demoTelemetrySources, seed })

/** A table of the demo telemetry: the demo warehouse exists when it does. */
export const demoTelemetryTable = demoTelemetrySources.desktopEvents

/** How many windows the demo calendar will compute: the progress bar's length. */
export const countDueWindows = (settings: RunSettings) =>
  Effect.gen(function* () {
    const { experiments } = yield* (yield* ExperimentSource).list
    const { collection } = yield* ConfigRepository
    let windows = 0
    for (const date of demoDates()) {
      for (const experiment of selectExperiments(experiments, date, settings.experiments)) {
        const planned = planExperiment(collection, experiment, date)
        if (planned.status === "due") windows += planned.due.length
      }
    }
    return windows
  })

/** The daily job over every date of the demo calendar, as `npm start` runs it. */
export const runDemoCalendar = (settings: RunSettings) => runDates(demoDates(), settings)
