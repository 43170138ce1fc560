import { Clock, Data, Effect } from "effect"
import type { AnalysisBasis, AnalysisPeriod } from "../domain/analysis-period.js"
import type { IsoDate } from "../domain/dates.js"

/**
 * Something that went wrong or looked wrong in a run, with where it happened: a row of the
 * logs table, an entry of errors_<slug>.json. A failure of one metric or statistic is a
 * problem of level ERROR and the run goes on; a warning (an empty branch, a statistic left
 * without an aggregate) is level WARNING.
 */
export interface Problem {
  readonly timestamp: string
  readonly experiment: string | null
  readonly analysisDate: IsoDate | null
  readonly metric: string | null
  readonly statistic: string | null
  readonly segment: string | null
  readonly analysisBasis: AnalysisBasis | null
  readonly period: AnalysisPeriod | null
  /** The window (1-based, as published) the problem belongs to; null for the whole experiment. */
  readonly windowIndex: number | null
  readonly message: string
  /** The error's tag (WarehouseError, EndedException, ...), or "Warning". */
  readonly exceptionType: string
  /** More about a failure than its message (its cause's stack), when there is more. */
  readonly exception: string | null
  readonly level: "ERROR" | "WARNING"
  /** The source file and function that recorded it: Experimenter's reader requires both. */
  readonly filename: string
  readonly funcName: string
}

/** The code that records a problem, named as Experimenter's errors format wants it. */
export interface ProblemRecorder {
  /** The source file, relative to the project: `src/pipeline/summaries.ts`. */
  readonly filename: string
  readonly funcName: string
}

export type ProblemPlace = Partial<
  Pick<
    Problem,
    | "experiment"
    | "analysisDate"
    | "metric"
    | "statistic"
    | "segment"
    | "analysisBasis"
    | "period"
    | "windowIndex"
  >
>

export const problemAt = (
  place: ProblemPlace,
  detail: Pick<Problem, "message" | "exceptionType" | "level"> &
    Partial<Pick<Problem, "exception">>,
  recordedBy: ProblemRecorder,
  now: Date,
): Problem => ({
  timestamp: now.toISOString(),
  experiment: place.experiment ?? null,
  analysisDate: place.analysisDate ?? null,
  metric: place.metric ?? null,
  statistic: place.statistic ?? null,
  segment: place.segment ?? null,
  analysisBasis: place.analysisBasis ?? null,
  period: place.period ?? null,
  windowIndex: place.windowIndex ?? null,
  message: detail.message,
  exceptionType: detail.exceptionType,
  exception: detail.exception ?? null,
  level: detail.level,
  filename: recordedBy.filename,
  funcName: recordedBy.funcName,
})

/**
 * A defect — an exception thrown where none was expected, a rejected promise, `Effect.die` —
 * carried as a failure, so that the unit it happened in (a summary, a window, an experiment)
 * logs it as its problem and the others go on (containment.ts). Its problem names what was
 * thrown (RangeError, TypeError, ...) and keeps its stack.
 */
export class Defect extends Data.TaggedError("Defect")<{ readonly defect: unknown }> {}

/** The stack of a failure's cause (or of the failure, when it is a plain Error). */
const stackOf = (error: object): string | null => {
  const cause = "cause" in error ? error.cause : undefined
  if (cause instanceof Error && cause.stack !== undefined) return cause.stack
  if (!("_tag" in error) && error instanceof Error && error.stack !== undefined) return error.stack
  return null
}

/** A failure's tag and words, whatever it is. */
export const describeFailure = (
  error: unknown,
): {
  readonly exceptionType: string
  readonly message: string
  readonly exception: string | null
} => {
  if (error instanceof Defect) return describeDefect(error.defect)
  if (typeof error === "object" && error !== null) {
    const tag =
      "_tag" in error && typeof error._tag === "string" ? error._tag : error.constructor.name
    const message =
      "message" in error && typeof error.message === "string" ? error.message : String(error)
    const purpose =
      "purpose" in error && typeof error.purpose === "string" ? `${error.purpose}: ` : ""
    return { exceptionType: tag, message: `${purpose}${message}`, exception: stackOf(error) }
  }
  return { exceptionType: "Error", message: String(error), exception: null }
}

/** What was thrown, with its own stack (a tagged error's too: it was not meant to be thrown). */
const describeDefect = (defect: unknown): ReturnType<typeof describeFailure> => {
  const described = describeFailure(defect)
  const stack = defect instanceof Error ? defect.stack : undefined
  return {
    ...described,
    message: `unexpected failure: ${described.message}`,
    exception: stack ?? described.exception,
  }
}

const now = Clock.currentTimeMillis.pipe(Effect.map((millis) => new Date(millis)))

/** A failure as a problem at `place`, stamped now. */
export const problemFrom = (
  place: ProblemPlace,
  error: unknown,
  recordedBy: ProblemRecorder,
  level: Problem["level"] = "ERROR",
) =>
  now.pipe(
    Effect.map((at) => problemAt(place, { ...describeFailure(error), level }, recordedBy, at)),
  )

/** Warnings as problems of level WARNING at `place`, stamped now. */
export const warningsAt = (
  place: ProblemPlace,
  warnings: ReadonlyArray<string>,
  recordedBy: ProblemRecorder,
) =>
  now.pipe(
    Effect.map((at) =>
      warnings.map((message) =>
        problemAt(place, { message, exceptionType: "Warning", level: "WARNING" }, recordedBy, at),
      ),
    ),
  )
