import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { IsoDate } from "../../src/domain/dates.js"
import { problemAt } from "../../src/pipeline/problem.js"
import { appendProblems, clearProblems, problemsOf } from "../../src/pipeline/results-store.js"
import { duckDbWarehouse } from "../../src/services/warehouse/duckdb.js"

const date = "2026-10-12" as IsoDate

/** What one experiment's run does with the logs table: clear its date, then append. */
const logOneProblem = (experiment: string) =>
  Effect.gen(function* () {
    yield* clearProblems(experiment, date)
    yield* appendProblems([
      problemAt(
        { experiment, analysisDate: date, metric: "active_hours" },
        { message: `a problem of ${experiment}`, exceptionType: "Warning", level: "WARNING" },
        new Date("2026-10-13T01:00:00Z"),
      ),
    ])
  })

describe("the logs table", () => {
  it.effect(
    "keeps every experiment's problems when experiments log at once, and a rerun replaces only its own",
    () =>
      Effect.gen(function* () {
        const experiments = ["exp-a", "exp-b", "exp-c", "exp-d"]
        yield* Effect.forEach(experiments, logOneProblem, { concurrency: "unbounded" })
        for (const experiment of experiments) {
          const logged = yield* problemsOf(experiment)
          expect(logged.map(({ message }) => message)).toEqual([`a problem of ${experiment}`])
        }
        // A rerun of one experiment and date replaces its rows and leaves the others'.
        yield* logOneProblem("exp-a")
        expect(yield* problemsOf("exp-a")).toHaveLength(1)
        expect(yield* problemsOf("exp-b")).toHaveLength(1)
      }).pipe(Effect.provide(duckDbWarehouse({ path: ":memory:" }))),
  )
})
