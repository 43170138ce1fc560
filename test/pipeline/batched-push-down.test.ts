import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Ref } from "effect"
import { forEachPushDownResult, pushDownsPerQuery } from "../../src/pipeline/batched-push-down.js"
import { histogramsFrom, ratiosFrom, sumsFrom } from "../../src/pipeline/push-down-aggregates.js"
import type { PushDown } from "../../src/pipeline/statistics.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import {
  buildHistogramQuery as histogramQuery,
  type PushDownRequest,
  buildRatioSumsQuery as ratioSumsQuery,
  buildSufficientStatisticsQuery as sufficientStatisticsQuery,
} from "../../src/sql/push-down-query.js"

/** The builders return Either (a SqlBuildError for a request they cannot write); here, the SQL. */
const buildHistogramQuery = (...args: Parameters<typeof histogramQuery>) =>
  Either.getOrThrow(histogramQuery(...args))
const buildSufficientStatisticsQuery = (...args: Parameters<typeof sufficientStatisticsQuery>) =>
  Either.getOrThrow(sufficientStatisticsQuery(...args))
const buildRatioSumsQuery = (...args: Parameters<typeof ratioSumsQuery>) =>
  Either.getOrThrow(ratioSumsQuery(...args))

/**
 * A metrics table of 600 clients in two branches, one window, with a segment: per branch,
 * hours = i mod 7 and visits = i mod 3 (i the client's number), so every aggregate is known.
 */
const metricsTable = "demo_enrollments_week_1"
const createMetrics = Effect.gen(function* () {
  const warehouse = yield* Warehouse
  yield* warehouse.createTableAs(
    metricsTable,
    `SELECT 'c' || i AS analysis_id, IF(MOD(i, 2) = 0, 'control', 'treatment') AS branch,
      0 AS analysis_window_start, CAST(MOD(i, 7) AS FLOAT64) AS hours,
      CAST(MOD(i, 3) AS FLOAT64) AS visits, MOD(i, 5) = 0 AS frequent
    FROM range(600) t(i)`,
    "test metrics",
  )
})

const request = (metric: string, segment?: string): PushDownRequest => ({
  metricsTable,
  metric,
  windowStart: 0,
  ...(segment === undefined ? {} : { segment }),
})
const pushDown = (
  shape: PushDown["shape"],
  sql: string,
  orderBy: ReadonlyArray<string>,
  purpose: string,
): PushDown => ({ shape, sql, orderBy, purpose, read: () => new Map(), warnings: [] })

const histogram = (metric: string, segment?: string) =>
  pushDown(
    "histogram",
    buildHistogramQuery(request(metric, segment), 2000),
    ["branch", "kind", "value", "bucket"],
    `histogram of ${metric}`,
  )
const sums = (metric: string, segment?: string) =>
  pushDown(
    "sums",
    buildSufficientStatisticsQuery(request(metric, segment)),
    ["branch"],
    `sums of ${metric}`,
  )
const ratio = pushDown(
  "ratio_sums",
  buildRatioSumsQuery(request("hours"), "visits", "hours"),
  ["branch"],
  "ratio of visits to hours",
)
const items = [
  histogram("hours"),
  sums("visits"),
  histogram("visits", "frequent"),
  ratio,
  sums("hours", "frequent"),
  histogram("hours", "frequent"),
].map((item) => ({ pushDown: item }))

/** Every query the warehouse is asked, by purpose, around an in-memory DuckDB. */
const countingWarehouse = (asked: Ref.Ref<ReadonlyArray<string>>) =>
  Layer.effect(
    Warehouse,
    Effect.gen(function* () {
      const warehouse = yield* Warehouse
      return {
        ...warehouse,
        query: (sql: string, purpose: string) =>
          Ref.update(asked, (purposes) => [...purposes, purpose]).pipe(
            Effect.zipRight(warehouse.query(sql, purpose)),
          ),
      }
    }),
  ).pipe(Layer.provide(Warehouse.duckDb({ path: ":memory:" })))

const withCountingWarehouse = <A, E>(
  test: (asked: Ref.Ref<ReadonlyArray<string>>) => Effect.Effect<A, E, Warehouse>,
) =>
  Effect.gen(function* () {
    const asked = yield* Ref.make<ReadonlyArray<string>>([])
    return yield* Effect.gen(function* () {
      yield* createMetrics
      yield* Ref.set(asked, [])
      return yield* test(asked)
    }).pipe(Effect.provide(countingWarehouse(asked)))
  })

describe("batched push-downs", () => {
  it.effect("give each summary the rows it gets alone, in one query per shape", () =>
    withCountingWarehouse((asked) =>
      Effect.gen(function* () {
        const warehouse = yield* Warehouse
        const batched = yield* forEachPushDownResult(
          items,
          (_item, result) => Effect.succeed(result),
          {
            concurrency: 2,
            purpose: "demo (week 1, enrollments)",
          },
        )
        expect(yield* Ref.get(asked)).toHaveLength(3)
        const alone = yield* Effect.forEach(items, ({ pushDown }) =>
          warehouse.query(pushDown.sql, pushDown.purpose),
        )
        batched.forEach((result, index) => {
          const expected = alone[index]
          expect(Either.isRight(result) && expected !== undefined).toBe(true)
          if (Either.isRight(result) && expected !== undefined) {
            expect(result.right.columnNames).toEqual(expected.columnNames)
            expect(result.right.columns).toEqual(expected.columns)
          }
        })
        const [hours, visits, , visitRatio] = batched.map(Either.getOrThrow)
        if (hours === undefined || visits === undefined || visitRatio === undefined)
          throw new Error("results expected")
        // 300 clients per branch; hours = i mod 7 over even i (control): 0, 2, 4, 6, 1, 3, 5, …
        expect(
          histogramsFrom(hours)
            .get("control")
            ?.counts.reduce((a, b) => a + b),
        ).toBe(300)
        expect(sumsFrom(visits).get("treatment")).toMatchObject({ n: 300, sumY: 300 })
        const controlRatio = ratiosFrom(visitRatio).get("control")
        // Even i: visits cycle 0, 2, 1 (Σ 300); hours cycle 0, 2, 4, 6, 1, 3, 5 (42 cycles + 6 more: Σ 898).
        expect(controlRatio).toMatchObject({
          kind: "sums",
          clients: 300,
          sumNumerator: 300,
          sumDenominator: 898,
        })
      }),
    ),
  )

  it.effect("run a failing batch's members one by one, so only the broken one fails", () =>
    withCountingWarehouse((asked) =>
      Effect.gen(function* () {
        const broken = { pushDown: sums("no_such_metric") }
        const outcomes = yield* forEachPushDownResult(
          [items[1], broken, { pushDown: sums("hours") }].flatMap((item) =>
            item === undefined ? [] : [item],
          ),
          (_item, result) => Effect.succeed(result),
          { concurrency: 1, purpose: "demo (week 1, enrollments)" },
        )
        expect(outcomes.map(Either.isRight)).toEqual([true, false, true])
        const failure = outcomes[1]
        expect(failure !== undefined && Either.isLeft(failure) && failure.left.message).toContain(
          "no_such_metric",
        )
        // The batch, then each of its three members alone.
        expect(yield* Ref.get(asked)).toEqual([
          "3 sums push-downs of demo (week 1, enrollments)",
          "sums of visits",
          "sums of no_such_metric",
          "sums of hours",
        ])
      }),
    ),
  )

  it.effect(`put at most ${pushDownsPerQuery} summaries in one query`, () =>
    withCountingWarehouse((asked) =>
      Effect.gen(function* () {
        const many = Array.from({ length: pushDownsPerQuery + 1 }, () => ({
          pushDown: sums("hours"),
        }))
        const outcomes = yield* forEachPushDownResult(
          many,
          (_item, result) => Effect.succeed(result),
          {
            concurrency: 1,
            purpose: "many",
          },
        )
        expect(outcomes.every(Either.isRight)).toBe(true)
        expect(yield* Ref.get(asked)).toEqual([
          `${pushDownsPerQuery} sums push-downs of many`,
          "sums of hours",
        ])
      }),
    ),
  )
})
