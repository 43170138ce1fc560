import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { IsoDate } from "../../src/domain/dates.js"
import { type ProblemPlace, problemAt } from "../../src/pipeline/problem.js"
import { loggedProblems, replaceProblems } from "../../src/pipeline/problem-log.js"
import { publishedError } from "../../src/pipeline/publish/published-errors.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"

const date = "2026-10-12" as IsoDate
const recordedBy = { filename: "test/pipeline/problem-log.test.ts", funcName: "test" }

const warning = (place: ProblemPlace, message: string) =>
  problemAt(
    { analysisDate: date, ...place },
    { message, exceptionType: "Warning", level: "WARNING" },
    recordedBy,
    new Date("2026-10-13T01:00:00Z"),
  )

const messagesOf = (experiment: string) =>
  loggedProblems(experiment).pipe(Effect.map((rows) => rows.map(({ message }) => message).sort()))

const inMemory = Warehouse.duckDb({ path: ":memory:" })

describe("the logs table", () => {
  it.effect(
    "keeps every experiment's problems when experiments log at once, and a rerun replaces only its own",
    () =>
      Effect.gen(function* () {
        const experiments = ["exp-a", "exp-b", "exp-c", "exp-d"]
        const logOne = (experiment: string) =>
          replaceProblems({ kind: "experiment", experiment }, [
            warning({ experiment }, `a problem of ${experiment}`),
          ])
        yield* Effect.forEach(experiments, logOne, { concurrency: "unbounded" })
        for (const experiment of experiments) {
          expect(yield* messagesOf(experiment)).toEqual([`a problem of ${experiment}`])
        }
        yield* logOne("exp-a")
        expect(yield* messagesOf("exp-a")).toEqual(["a problem of exp-a"])
        expect(yield* messagesOf("exp-b")).toEqual(["a problem of exp-b"])
      }).pipe(Effect.provide(inMemory)),
  )

  it.effect(
    "a recomputed window replaces that window's problems only; a --metric rerun only its metrics'",
    () =>
      Effect.gen(function* () {
        const experiment = "exp"
        const day = (windowIndex: number, metric: string | null, message: string) =>
          warning({ experiment, period: "day", windowIndex, metric }, message)
        yield* replaceProblems({ kind: "experiment", experiment }, [
          warning({ experiment }, "enrollments were late"),
        ])
        yield* replaceProblems(
          { kind: "window", experiment, period: "day", windowIndex: 1, analysisDate: date },
          [
            day(1, "active_hours", "day 1 active_hours"),
            day(1, "retained", "day 1 retained"),
            day(1, null, "day 1 write failed"),
          ],
        )
        yield* replaceProblems(
          { kind: "window", experiment, period: "day", windowIndex: 2, analysisDate: date },
          [day(2, "active_hours", "day 2 active_hours")],
        )
        // Day 1 recomputed for active_hours only (`--metric active_hours`), now without problems.
        yield* replaceProblems(
          {
            kind: "window",
            experiment,
            period: "day",
            windowIndex: 1,
            analysisDate: date,
            metrics: ["active_hours", "identity"],
          },
          [],
        )
        expect(yield* messagesOf(experiment)).toEqual([
          "day 1 retained",
          "day 2 active_hours",
          "enrollments were late",
        ])
        // Day 2 recomputed whole, cleanly: its problems go.
        yield* replaceProblems(
          { kind: "window", experiment, period: "day", windowIndex: 2, analysisDate: date },
          [],
        )
        // The next run of the experiment has no experiment-level problem any more.
        yield* replaceProblems({ kind: "experiment", experiment }, [])
        expect(yield* messagesOf(experiment)).toEqual(["day 1 retained"])
      }).pipe(Effect.provide(inMemory)),
  )

  it.effect("a logs table of an earlier version gains the new columns and keeps its rows", () =>
    Effect.gen(function* () {
      const warehouse = yield* Warehouse
      yield* warehouse.query(
        `CREATE TABLE logs AS SELECT CAST('2026-10-01 00:00:00' AS TIMESTAMP) AS timestamp, 'exp' AS experiment,
           '2026-10-01' AS analysis_date, 'active_hours' AS metric, 'mean' AS statistic, 'all' AS segment,
           'enrollments' AS analysis_basis, 'week' AS period, 'old words' AS message,
           'WarehouseError' AS exception_type, 'ERROR' AS log_level`,
        "an old logs table",
      )
      yield* replaceProblems({ kind: "experiment", experiment: "exp" }, [
        warning({ experiment: "exp" }, "new words"),
      ])
      const rows = yield* loggedProblems("exp")
      expect(rows.map(({ message }) => message)).toEqual(["old words", "new words"])
      expect(
        rows.map(publishedError).map(({ filename, func_name }) => [filename, func_name]),
      ).toEqual([
        ["unrecorded", "unrecorded"],
        [recordedBy.filename, recordedBy.funcName],
      ])
      // The old row is of the week window computed on 2026-10-01: its recomputation replaces it.
      const week = (windowIndex: number, analysisDate: string) =>
        replaceProblems(
          { kind: "window", experiment: "exp", period: "week", windowIndex, analysisDate },
          [],
        )
      yield* week(3, "2026-10-02")
      expect(yield* messagesOf("exp")).toEqual(["new words", "old words"])
      yield* week(2, "2026-10-01")
      expect(yield* messagesOf("exp")).toEqual(["new words"])
    }).pipe(Effect.provide(inMemory)),
  )

  it.effect("a row that is not a problem is an error naming the row, not a crash", () =>
    Effect.gen(function* () {
      yield* replaceProblems({ kind: "experiment", experiment: "exp" }, [])
      const warehouse = yield* Warehouse
      yield* warehouse.query(
        "INSERT INTO logs (timestamp, experiment, message, log_level, analysis_basis) VALUES (TIMESTAMP '2026-10-01 00:00:00', 'exp', 'x', 'ERROR', 'neither')",
        "a corrupt row",
      )
      const failure = yield* Effect.flip(loggedProblems("exp"))
      expect(failure.message).toMatch(/^row 1 of logs is not a problem row/)
      expect(failure.message).toContain("neither")
    }).pipe(Effect.provide(inMemory)),
  )
})
