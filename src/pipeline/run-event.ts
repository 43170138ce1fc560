import type { AnalysisPeriod } from "../domain/analysis-period.js"
import type { IsoDate } from "../domain/dates.js"
import type { Problem } from "./problem.js"

/** One (experiment, date, period, window) computed: metrics per basis, then statistics. */
export interface WorkItemOutcome {
  readonly experiment: string
  readonly date: IsoDate
  readonly period: AnalysisPeriod
  readonly windowIndex: number
  readonly metricsTables: ReadonlyArray<string>
  /** Absent when the item failed before its statistics were written. */
  readonly statisticsTable?: string
  readonly results: number
  readonly problems: ReadonlyArray<Problem>
  readonly milliseconds: number
}

/**
 * What a run reports as it goes, in the order things finish: a consumer (the CLI's progress,
 * an exporter, an embedding program) sees each experiment's items as they are written.
 */
export type RunEvent =
  | {
      readonly kind: "skipped"
      readonly experiment: string
      readonly date: IsoDate
      readonly status: "nothing-due" | "not-analysed" | "invalid"
      readonly reasonType: string
      readonly reason: string
    }
  | {
      readonly kind: "started"
      readonly experiment: string
      readonly date: IsoDate
      readonly windows: ReadonlyArray<{ readonly period: AnalysisPeriod; readonly index: number }>
    }
  | { readonly kind: "item"; readonly outcome: WorkItemOutcome }
  | {
      readonly kind: "finished"
      readonly experiment: string
      readonly date: IsoDate
      /** Problems of level ERROR, including one that stopped the experiment. */
      readonly errors: number
      readonly warnings: number
    }
  | { readonly kind: "source-problem"; readonly problem: Problem }
  /**
   * The experiment stopped: its planning or its enrollments failed, or something escaped its
   * windows' boundaries (src/pipeline/containment.ts). Windows already written stay written.
   */
  | { readonly kind: "experiment-failed"; readonly problem: Problem }

/** Whether a problem counts against the run's exit status. */
export const isFailure = (event: RunEvent): boolean => {
  switch (event.kind) {
    case "skipped":
      return event.status === "invalid"
    case "finished":
      return event.errors > 0
    case "source-problem":
      return event.problem.level === "ERROR"
    case "experiment-failed":
      return true
    default:
      return false
  }
}
