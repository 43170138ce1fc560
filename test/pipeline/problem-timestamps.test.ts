import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { IsoDate } from "../../src/domain/dates.js"
import { type ProblemPlace, problemAt } from "../../src/pipeline/problem.js"
import { loggedProblems, replaceProblems } from "../../src/pipeline/problem-log.js"
import { publishedError } from "../../src/pipeline/publish/published-errors.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import type { ProblemScope } from "../../src/sql/problem-log.js"

/**
 * A rerun that meets the same problems again leaves the logs table — and so the published
 * errors file — as it was: an identical problem keeps the time it was first logged, and rows
 * come back in one order whatever order they were written in.
 */

const date = "2026-10-12" as IsoDate
const experiment = "exp"
const recordedBy = { filename: "test/pipeline/problem-timestamps.test.ts", funcName: "test" }
const firstRun = new Date("2026-10-13T01:00:00.000Z")
const rerun = new Date("2026-10-14T02:00:00.000Z")

const warning = (place: ProblemPlace, message: string, at: Date) =>
  problemAt(
    { experiment, analysisDate: date, period: "week", windowIndex: 1, ...place },
    { message, exceptionType: "Warning", level: "WARNING" },
    recordedBy,
    at,
  )

const week1: ProblemScope = {
  kind: "window",
  experiment,
  period: "week",
  windowIndex: 1,
  analysisDate: date,
}

/** The problems a window's computation meets, stamped `at`; `changed` alters one message. */
const windowProblems = (at: Date, changed = false) => [
  warning({ metric: "active_hours", segment: "all" }, "an empty branch", at),
  warning({ metric: "active_hours", segment: "new_users" }, "an empty branch", at),
  warning({ metric: "retained" }, changed ? "3 clients left out" : "2 clients left out", at),
  warning({ metric: null }, "no pre-enrollment metrics yet", at),
]

const published = loggedProblems(experiment).pipe(
  Effect.map((rows) => JSON.stringify(rows.map(publishedError))),
)

const inMemory = Warehouse.duckDb({ path: ":memory:" })

describe("problem timestamps", () => {
  it.effect(
    "an identical problem logged again keeps its first time; a changed one gets the new",
    () =>
      Effect.gen(function* () {
        yield* replaceProblems({ kind: "experiment", experiment }, [])
        yield* replaceProblems(week1, windowProblems(firstRun))
        const before = yield* published

        yield* replaceProblems({ kind: "experiment", experiment }, [])
        yield* replaceProblems(week1, windowProblems(rerun))
        expect(yield* published).toBe(before)

        yield* replaceProblems(week1, windowProblems(rerun, true))
        const rows = yield* loggedProblems(experiment)
        expect(rows.map(({ message, timestamp }) => [message, timestamp.toISOString()])).toEqual([
          ["an empty branch", firstRun.toISOString()],
          ["an empty branch", firstRun.toISOString()],
          ["no pre-enrollment metrics yet", firstRun.toISOString()],
          ["3 clients left out", rerun.toISOString()],
        ])
      }).pipe(Effect.provide(inMemory)),
  )

  it.effect("come back in one order, whatever order they were written in", () =>
    Effect.gen(function* () {
      yield* replaceProblems({ kind: "experiment", experiment }, [])
      yield* replaceProblems(week1, windowProblems(firstRun))
      const inOrder = yield* published
      yield* replaceProblems({ kind: "experiment", experiment }, [])
      yield* replaceProblems(week1, [...windowProblems(firstRun)].reverse())
      expect(yield* published).toBe(inOrder)
    }).pipe(Effect.provide(inMemory)),
  )
})
