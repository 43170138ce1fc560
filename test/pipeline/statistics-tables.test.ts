import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { StatisticResult } from "../../src/domain/statistic-result.js"
import { readStatistics, writeStatistics } from "../../src/pipeline/statistics-tables.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import { statisticRow } from "../support/statistic-row.js"

const inMemory = Warehouse.duckDb({ path: ":memory:" })

const row = (metric: string, point: number): StatisticResult =>
  statisticRow({ metric, point, lower: point - 1, upper: point + 1 })

describe("statistics tables", () => {
  it.effect("read back as written, and a --metric rerun keeps the other metrics' rows", () =>
    Effect.gen(function* () {
      yield* writeStatistics("exp", "week", 1, [row("active_hours", 1), row("retained", 2)])
      yield* writeStatistics("exp", "week", 1, [row("active_hours", 3)], {
        onlyMetrics: ["active_hours"],
      })
      const rows = yield* readStatistics("statistics_exp_weekly", "reading the view")
      expect(rows.map(({ metric, point }) => [metric, point]).sort()).toEqual([
        ["active_hours", 3],
        ["retained", 2],
      ])
      expect(rows[0]).toEqual({
        ...row(rows[0]?.metric ?? "", rows[0]?.point ?? 0),
        p_value_adjusted: null,
      })
    }).pipe(Effect.provide(inMemory)),
  )

  it.effect("read a table without p_value (older versions) as null, and NaN as null", () =>
    Effect.gen(function* () {
      const warehouse = yield* Warehouse
      yield* warehouse.query(
        "CREATE TABLE old_statistics AS SELECT 'm' AS metric, 'mean' AS statistic, NULL::VARCHAR AS parameter, 'control' AS branch, NULL::VARCHAR AS comparison, NULL::VARCHAR AS comparison_to_branch, 0.95 AS ci_width, 'NaN'::DOUBLE AS point, 1.0 AS lower, 'Infinity'::DOUBLE AS upper, 'all' AS segment, 'exposures' AS analysis_basis, '2' AS window_index",
        "an older table",
      )
      const [read] = yield* readStatistics("old_statistics", "reading it")
      expect(read).toMatchObject({ point: null, upper: null, lower: 1, p_value: null })
    }).pipe(Effect.provide(inMemory)),
  )

  it.effect(
    "p-values adjusted over the whole table: a --metric rerun re-adjusts the kept rows",
    () =>
      Effect.gen(function* () {
        const compared = (metric: string, pValue: number) =>
          statisticRow({
            metric,
            statistic: "t_test",
            branch: "treatment",
            comparison: "difference",
            comparison_to_branch: "control",
            p_value: pValue,
          })
        const multipleTesting = { method: "holm", referenceBranch: "control" } as const
        yield* writeStatistics("exp", "overall", 1, [compared("a", 0.01), compared("b", 0.04)], {
          multipleTesting,
        })
        yield* writeStatistics("exp", "overall", 1, [compared("a", 0.03)], {
          onlyMetrics: ["a"],
          multipleTesting,
        })
        const rows = yield* readStatistics("statistics_exp_overall", "reading the view")
        const adjusted = Object.fromEntries(rows.map((row) => [row.metric, row.p_value_adjusted]))
        // Holm over {0.03, 0.04}: 2·0.03 = 0.06, then max(0.06, 1·0.04).
        expect(adjusted.a).toBeCloseTo(0.06, 12)
        expect(adjusted.b).toBeCloseTo(0.06, 12)
      }).pipe(Effect.provide(inMemory)),
  )

  it.effect(
    "the period's view unites a window written by an older version (no p-value columns)",
    () =>
      Effect.gen(function* () {
        const warehouse = yield* Warehouse
        yield* warehouse.query(
          "CREATE TABLE statistics_exp_week_1 AS SELECT 'm' AS metric, 'mean' AS statistic, NULL::VARCHAR AS parameter, 'control' AS branch, NULL::VARCHAR AS comparison, NULL::VARCHAR AS comparison_to_branch, 0.95 AS ci_width, 2.0 AS point, 1.0 AS lower, 3.0 AS upper, 'all' AS segment, 'exposures' AS analysis_basis, '1' AS window_index",
          "a window of an older version",
        )
        yield* writeStatistics("exp", "week", 2, [row("active_hours", 1)])
        const rows = yield* readStatistics("statistics_exp_weekly", "reading the view")
        expect(
          rows
            .map(({ metric, p_value, p_value_adjusted }) => [metric, p_value, p_value_adjusted])
            .sort(),
        ).toEqual([
          ["active_hours", null, null],
          ["m", null, null],
        ])
      }).pipe(Effect.provide(inMemory)),
  )

  it.effect("a row that is not a statistics row is an error naming the table and row", () =>
    Effect.gen(function* () {
      yield* writeStatistics("exp", "day", 1, [row("active_hours", 1), row("retained", 2)])
      const warehouse = yield* Warehouse
      yield* warehouse.query(
        "UPDATE statistics_exp_day_1 SET analysis_basis = 'clients' WHERE metric = 'retained'",
        "a corrupt row",
      )
      const failure = yield* Effect.flip(readStatistics("statistics_exp_daily", "exporting"))
      expect(failure.purpose).toBe("exporting")
      expect(failure.message).toMatch(
        /^row 2 of statistics_exp_daily is not a statistics row: .*analysis_basis/s,
      )
      expect(failure.message).toContain('"clients"')
    }).pipe(Effect.provide(inMemory)),
  )
})
