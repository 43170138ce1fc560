import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DuckDBInstance } from "@duckdb/node-api"
import { expect, layer } from "@effect/vitest"
import { Effect, Either, Layer } from "effect"
import { readBranchColumns, readBranchTable } from "../../src/pipeline/table-file.js"
import { beforeEachStatement } from "../../src/services/warehouse/statement-hook.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"

const folder = mkdtempSync(join(tmpdir(), "slipstream-table-"))
const csv = join(folder, "clients.csv")
writeFileSync(
  csv,
  "client_id,branch,active_hours,pre_hours\nc1,control,1.5,1\nc2,treatment,2,\nc3,control,0,0.5\n",
)

/** Every statement the in-memory warehouse was sent, to see the file read through it. */
const statements: Array<string> = []
const recordedWarehouse = Layer.effect(
  Warehouse,
  Effect.map(Warehouse, (inner) =>
    beforeEachStatement(inner, (sql) => Effect.sync(() => statements.push(sql))),
  ),
).pipe(Layer.provide(Warehouse.duckDb({ path: ":memory:" })))

layer(recordedWarehouse)("readBranchColumns", (it) => {
  it.effect("reads numeric columns per branch from CSV, NULL as NaN", () =>
    Effect.gen(function* () {
      const table = yield* readBranchColumns(csv, "branch", ["active_hours", "pre_hours"])
      expect([...table.keys()]).toEqual(["control", "treatment"])
      expect(Array.from(table.get("control")?.get("active_hours") ?? [])).toEqual([1.5, 0])
      expect(Array.from(table.get("treatment")?.get("pre_hours") ?? [])).toEqual([Number.NaN])
    }),
  )

  it.effect("reads Parquet written by DuckDB", () =>
    Effect.gen(function* () {
      const parquet = join(folder, "clients.parquet")
      yield* Effect.promise(async () => {
        const instance = await DuckDBInstance.create(":memory:")
        const connection = await instance.connect()
        await connection.run(
          `COPY (SELECT CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS branch, i::DOUBLE AS x FROM range(10) t(i)) TO '${parquet}' (FORMAT parquet)`,
        )
        connection.closeSync()
        instance.closeSync()
      })
      const table = yield* readBranchColumns(parquet, "branch", ["x"])
      expect(Array.from(table.get("a")?.get("x") ?? [])).toEqual([0, 2, 4, 6, 8])
    }),
  )

  it.effect(
    "names a missing column with the closest one, and a non-numeric value with its row",
    () =>
      Effect.gen(function* () {
        const missing = yield* Effect.either(readBranchColumns(csv, "branch", ["active_hour"]))
        expect(
          Either.getLeft(missing).pipe((error) => error._tag === "Some" && error.value.message),
        ).toBe(
          'no column "active_hour" (did you mean "active_hours"?); the file has client_id, branch, active_hours, pre_hours',
        )
        const text = yield* Effect.either(readBranchColumns(csv, "branch", ["client_id"]))
        expect(Either.isLeft(text) && text.left.message).toBe(
          'column "client_id", row 1: "c1" is not a number',
        )
        const other = yield* Effect.either(
          readBranchColumns(join(folder, "clients.json"), "branch", ["x"]),
        )
        expect(Either.isLeft(other) && other.left.message).toBe(
          "clients.json is neither CSV (.csv, .tsv) nor Parquet (.parquet)",
        )
      }),
  )

  it.effect("reads through the warehouse, and leaves no view of the file behind", () =>
    Effect.gen(function* () {
      statements.length = 0
      const table = yield* readBranchTable(csv, "branch", ["active_hours"])
      expect(table.withoutBranch).toEqual({ rows: 0 })
      expect(statements.some((sql) => sql.includes("read_csv_auto("))).toBe(true)
      expect(yield* (yield* Warehouse).listTables("")).toEqual([])
    }),
  )
})
