import { Clock, Effect } from "effect"
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
  readonly message: string
  /** The error's tag (WarehouseError, EndedException, ...), or "Warning". */
  readonly exceptionType: string
  readonly level: "ERROR" | "WARNING"
}

export type ProblemPlace = Partial<
  Pick<
    Problem,
    "experiment" | "analysisDate" | "metric" | "statistic" | "segment" | "analysisBasis" | "period"
  >
>

export const problemAt = (
  place: ProblemPlace,
  detail: Pick<Problem, "message" | "exceptionType" | "level">,
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
  ...detail,
})

/** A failure's tag and words, whatever it is. */
export const describeFailure = (
  error: unknown,
): { readonly exceptionType: string; readonly message: string } => {
  if (typeof error === "object" && error !== null) {
    const tag =
      "_tag" in error && typeof error._tag === "string" ? error._tag : error.constructor.name
    const message =
      "message" in error && typeof error.message === "string" ? error.message : String(error)
    const purpose =
      "purpose" in error && typeof error.purpose === "string" ? `${error.purpose}: ` : ""
    return { exceptionType: tag, message: `${purpose}${message}` }
  }
  return { exceptionType: "Error", message: String(error) }
}

const now = Clock.currentTimeMillis.pipe(Effect.map((millis) => new Date(millis)))

/** A failure as a problem at `place`, stamped now. */
export const problemFrom = (
  place: ProblemPlace,
  error: unknown,
  level: Problem["level"] = "ERROR",
) => now.pipe(Effect.map((at) => problemAt(place, { ...describeFailure(error), level }, at)))

/** Warnings as problems of level WARNING at `place`, stamped now. */
export const warningsAt = (place: ProblemPlace, warnings: ReadonlyArray<string>) =>
  now.pipe(
    Effect.map((at) =>
      warnings.map((message) =>
        problemAt(place, { message, exceptionType: "Warning", level: "WARNING" }, at),
      ),
    ),
  )
