import type { AnalysisPeriod } from "../domain/analysis-period.js"
import type { IsoDate } from "../domain/dates.js"
import type { Problem } from "./problem.js"
import { isFailure, type RunEvent } from "./run-event.js"

/** What a run did, for its closing summary and its exit status. */
export interface RunSummary {
  readonly dates: ReadonlyArray<IsoDate>
  /** Experiments with at least one item computed. */
  readonly analysed: ReadonlyArray<string>
  /** Experiments the run started on (analysed, or failed on the way): what it publishes. */
  readonly started: ReadonlyArray<string>
  readonly items: number
  readonly statisticsRows: number
  readonly statisticsTables: ReadonlyArray<string>
  /** Experiments whose configuration did not resolve, with the reason (once each). */
  readonly invalid: ReadonlyArray<{ readonly experiment: string; readonly reason: string }>
  readonly errors: ReadonlyArray<Problem>
  readonly warnings: number
  readonly milliseconds: number
  readonly failed: boolean
}

/** Folds a run's events into its summary. */
export const summariseRun = (events: Iterable<RunEvent>, milliseconds: number): RunSummary => {
  const dates = new Set<IsoDate>()
  const analysed = new Set<string>()
  const started = new Set<string>()
  const tables = new Set<string>()
  const invalid = new Map<string, string>()
  const errors: Problem[] = []
  let items = 0
  let rows = 0
  let warnings = 0
  let failed = false
  for (const event of events) {
    failed ||= isFailure(event)
    switch (event.kind) {
      case "item": {
        const { outcome } = event
        dates.add(outcome.date)
        analysed.add(outcome.experiment)
        items++
        rows += outcome.results
        if (outcome.statisticsTable !== undefined) tables.add(outcome.statisticsTable)
        for (const problem of outcome.problems) {
          if (problem.level === "ERROR") errors.push(problem)
          else warnings++
        }
        break
      }
      case "skipped":
        dates.add(event.date)
        if (event.status === "invalid") invalid.set(event.experiment, event.reason)
        break
      case "experiment-failed":
        errors.push(event.problem)
        break
      case "source-problem":
        if (event.problem.level === "ERROR") errors.push(event.problem)
        else warnings++
        break
      case "finished":
        dates.add(event.date)
        break
      case "started":
        started.add(event.experiment)
        break
    }
  }
  return {
    dates: [...dates].sort(),
    analysed: [...analysed].sort(),
    started: [...started].sort(),
    items,
    statisticsRows: rows,
    statisticsTables: [...tables].sort(),
    invalid: [...invalid].map(([experiment, reason]) => ({ experiment, reason })),
    errors,
    warnings,
    milliseconds,
    failed,
  }
}

/** One analysis window of an experiment, computed on a date. */
export interface WindowOnDate {
  readonly experiment: string
  readonly date: IsoDate
  readonly period: AnalysisPeriod
  readonly windowIndex: number
}

/** What a run that was stopped (SIGINT, SIGTERM) had done when it stopped. */
export interface Interruption {
  /** Windows whose statistics were written (or that failed and were logged), in order. */
  readonly written: ReadonlyArray<WindowOnDate>
  /** Windows of experiments under way that had not been written: the stop left them. */
  readonly unfinished: ReadonlyArray<WindowOnDate>
}

/**
 * The windows a stopped run wrote, and those of the experiments it was in the middle of.
 * Dates the run had not reached are not listed: running the same command again computes them.
 */
export const interruptionOf = (events: Iterable<RunEvent>): Interruption => {
  const written: WindowOnDate[] = []
  const underWay = new Map<string, Extract<RunEvent, { kind: "started" }>>()
  const key = (experiment: string, date: IsoDate) => `${experiment}\u0000${date}`
  for (const event of events) {
    switch (event.kind) {
      case "started":
        underWay.set(key(event.experiment, event.date), event)
        break
      case "item": {
        const { experiment, date, period, windowIndex } = event.outcome
        written.push({ experiment, date, period, windowIndex })
        break
      }
      case "finished":
        underWay.delete(key(event.experiment, event.date))
        break
    }
  }
  const unfinished = [...underWay.values()].flatMap(({ experiment, date, windows }) =>
    windows
      .filter(
        ({ period, index }) =>
          !written.some(
            (window) =>
              window.experiment === experiment &&
              window.date === date &&
              window.period === period &&
              window.windowIndex === index,
          ),
      )
      .map(({ period, index }) => ({ experiment, date, period, windowIndex: index })),
  )
  return { written, unfinished }
}
