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
      expect(rows[0]).toEqual(row(rows[0]?.metric ?? "", rows[0]?.point ?? 0))
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
