import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Either, Exit, Fiber } from "effect"
import { Warehouse } from "../../../src/services/warehouse/warehouse.js"
import { lockHeldOn } from "../../support/duckdb-lock.js"

const rowsOf = (columns: ReadonlyArray<ReadonlyArray<unknown>>) =>
  (columns[0] ?? []).map((_, row) => columns.map((column) => column[row]))

layer(Warehouse.duckDb({ path: ":memory:", schema: "analysis", threads: 1 }))(
  "DuckDB warehouse",
  (it) => {
    it.effect("creates a table from a query and reads it back, BigQuery functions included", () =>
      Effect.gen(function* () {
        const warehouse = yield* Warehouse
        expect(warehouse.dialect).toBe("duckdb")
        yield* warehouse.createTableAs(
          "clients_daily",
          "SELECT 'c' || (i % 3) AS client_id, DATE_ADD(DATE '2020-01-01', INTERVAL i DAY) AS submission_date, i AS hours FROM range(6) t(i)",
          "demo table",
          { experimentSlug: "demo" },
        )
        const result = yield* warehouse.query(
          "SELECT client_id, COUNTIF(hours > 1), SAFE_DIVIDE(SUM(hours), COUNT(*)) FROM `clients_daily` GROUP BY client_id ORDER BY client_id",
          "summary",
        )
        expect(result.columnNames).toHaveLength(3)
        expect(rowsOf(result.columns)).toEqual([
          ["c0", 1n, 1.5],
          ["c1", 1n, 2.5],
          ["c2", 2n, 3.5],
        ])
        expect(result.cost.milliseconds).toBeGreaterThanOrEqual(0)
      }),
    )

    it.effect("queryDoubles reads every chunk of each column as doubles, NULL as NaN", () =>
      Effect.gen(function* () {
        const warehouse = yield* Warehouse
        // 5,000 rows: three of DuckDB's 2,048-row chunks, the last one partial; `whole` is
        // an integer column (BIGINT).
        const [halves = new Float64Array(), integers = new Float64Array()] =
          yield* warehouse.queryDoubles(
            "SELECT IF(MOD(i, 1000) = 7, NULL, i / 2) AS half, i AS whole FROM range(5000) t(i) ORDER BY i",
            "values as doubles",
          )
        expect(halves).toBeInstanceOf(Float64Array)
        expect(halves).toHaveLength(5000)
        expect(integers).toHaveLength(5000)
        const expectedHalves = Float64Array.from({ length: 5000 }, (_, i) =>
          i % 1000 === 7 ? Number.NaN : i / 2,
        )
        expect([...halves]).toEqual([...expectedHalves])
        expect([...integers]).toEqual(Array.from({ length: 5000 }, (_, i) => i))
        const none = yield* warehouse.queryDoubles(
          "SELECT CAST(1 AS FLOAT64) AS x FROM range(3) t(i) WHERE i > 5",
          "no rows",
        )
        expect(none.map((column) => column.length)).toEqual([0])
      }),
    )

    it.effect(
      "stops a statement in DuckDB when its fiber is interrupted, and runs the next one",
      () =>
        Effect.gen(function* () {
          const warehouse = yield* Warehouse
          // 10¹² rows: minutes of work on one thread, unless DuckDB is told to stop.
          const endless = yield* Effect.fork(
            warehouse.query(
              "SELECT SUM(a.i * b.j) AS total FROM range(1000000) a(i), range(1000000) b(j)",
              "a query that would run for minutes",
            ),
          )
          // Real time (it.effect's clock is a test clock): DuckDB is at work meanwhile.
          yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 300)))
          expect(Exit.isInterrupted(yield* Fiber.interrupt(endless))).toBe(true)
          const next = yield* warehouse.query("SELECT 42 AS answer", "the next query")
          expect(rowsOf(next.columns)).toEqual([[42]])
        }),
      60_000,
    )

    it.effect("replaces a table on rerun (write-truncate), never appends", () =>
      Effect.gen(function* () {
        const warehouse = yield* Warehouse
        yield* warehouse.createTableAs("rerun", "SELECT 1 AS x", "first run")
        yield* warehouse.createTableAs("rerun", "SELECT 2 AS x", "second run")
        const result = yield* warehouse.query("SELECT x FROM rerun", "check")
        expect(rowsOf(result.columns)).toEqual([[2]])
      }),
    )

    it.effect("knows which tables exist and deletes an experiment's tables by prefix", () =>
      Effect.gen(function* () {
        const warehouse = yield* Warehouse
        for (const table of [
          "my_exp_enrollments",
          "my_exp_metrics_week_1",
          "other_exp_enrollments",
        ]) {
          yield* warehouse.createTableAs(table, "SELECT 1 AS x", `create ${table}`)
        }
        expect(yield* warehouse.tableExists("my_exp_enrollments")).toBe(true)
        expect(yield* warehouse.tableExists("nope")).toBe(false)
        expect(yield* warehouse.deleteTables("my_exp_")).toEqual([
          "my_exp_enrollments",
          "my_exp_metrics_week_1",
        ])
        expect(yield* warehouse.tableExists("my_exp_enrollments")).toBe(false)
        expect(yield* warehouse.tableExists("other_exp_enrollments")).toBe(true)
      }),
    )

    it.effect("names each column's type (a boolean metric is BOOLEAN)", () =>
      Effect.gen(function* () {
        const warehouse = yield* Warehouse
        yield* warehouse.createTableAs(
          "typed",
          "SELECT 'a' AS branch, 1.5 AS hours, COUNT(*) > 0 AS retained",
          "typed",
        )
        expect([...(yield* warehouse.columnTypes("typed"))]).toEqual([
          ["branch", "VARCHAR"],
          ["hours", "DECIMAL(2,1)"],
          ["retained", "BOOLEAN"],
        ])
      }),
    )

    it.effect("fails with the purpose and the construct DuckDB cannot run", () =>
      Effect.gen(function* () {
        const warehouse = yield* Warehouse
        const unsupported = yield* Effect.either(
          warehouse.query(
            "SELECT mozfun.hist.extract(h) FROM t",
            "metric histogram_mean of clients_daily",
          ),
        )
        expect(Either.isLeft(unsupported) && unsupported.left).toMatchObject({
          purpose: "metric histogram_mean of clients_daily",
          message:
            "DuckDB cannot run mozfun.hist.extract (a BigQuery UDF with no DuckDB version here)",
        })
        const broken = yield* Effect.either(
          warehouse.query("SELECT no_such_column FROM rerun", "broken metric"),
        )
        expect(Either.isLeft(broken) && broken.left.purpose).toBe("broken metric")
        expect(Either.isLeft(broken) && broken.left.message).toMatch(/no_such_column/)
        const checked = yield* Effect.either(
          warehouse.dryRun("SELECT missing FROM rerun", "dry run"),
        )
        expect(Either.isLeft(checked)).toBe(true)
        expect(
          Either.isRight(yield* Effect.either(warehouse.dryRun("SELECT x FROM rerun", "dry run"))),
        ).toBe(true)
      }),
    )
  },
)

describe("DuckDB warehouse on a file", () => {
  it.effect("keeps tables between runs", () =>
    Effect.gen(function* () {
      const path = join(mkdtempSync(join(tmpdir(), "slipstream-duckdb-")), "warehouse.duckdb")
      const write = Effect.gen(function* () {
        yield* (yield* Warehouse).createTableAs("kept", "SELECT 42 AS answer", "write")
      }).pipe(Effect.provide(Warehouse.duckDb({ path })))
      const read = Effect.gen(function* () {
        return (yield* (yield* Warehouse).query("SELECT answer FROM kept", "read")).columns
      }).pipe(Effect.provide(Warehouse.duckDb({ path })))
      yield* write
      expect(yield* read).toEqual([[42]])
    }),
  )
})

describe("DuckDB warehouse resources", () => {
  const databaseFile = () =>
    join(mkdtempSync(join(tmpdir(), "slipstream-duckdb-")), "warehouse.duckdb")

  it.effect("holds the database file while open and releases it when closed", () =>
    Effect.gen(function* () {
      const path = databaseFile()
      const whileOpen = yield* Effect.sync(() => lockHeldOn(path)).pipe(
        Effect.provide(Warehouse.duckDb({ path })),
      )
      expect(whileOpen).toMatch(/lock/i)
      expect(lockHeldOn(path)).toBeUndefined()
    }),
  )

  it.effect("closes the instance and the connection when a setup statement fails", () =>
    Effect.gen(function* () {
      const path = databaseFile()
      // An empty schema name: DuckDB refuses `CREATE SCHEMA IF NOT EXISTS ""` once connected.
      const opened = yield* Effect.either(
        Effect.provide(Effect.void, Warehouse.duckDb({ path, schema: "" })),
      )
      expect(
        Either.getLeft(opened).pipe((error) => error._tag === "Some" && error.value.message),
      ).toMatch(/zero-length delimited identifier/)
      expect(lockHeldOn(path)).toBeUndefined()
    }),
  )
})
