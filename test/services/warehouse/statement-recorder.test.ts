import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { recordedFor } from "../../../src/services/warehouse/statement-recorder.js"
import { Warehouse } from "../../../src/services/warehouse/warehouse.js"

const folder = mkdtempSync(Path.join(tmpdir(), "slipstream-sql-"))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const recording = Warehouse.recordingStatements(folder).pipe(
  Layer.provide(Warehouse.duckDb({ path: ":memory:" })),
  Layer.provide(NodeContext.layer),
)

const filesOf = (owner: string) => readdirSync(Path.join(folder, owner)).sort()

describe("--sql-output-dir", () => {
  it.effect(
    "writes each statement as sent, numbered, under its experiment's folder, and still runs it",
    () =>
      Effect.gen(function* () {
        const warehouse = yield* Warehouse
        yield* warehouse
          .createTableAs("numbers", "SELECT 1 AS n", "numbers of my-exp (week 1)")
          .pipe(recordedFor("my-exp"))
        const result = yield* warehouse
          .query("SELECT SUM(n) AS total FROM `numbers`", "total of my-exp")
          .pipe(recordedFor("my-exp"))
        expect(result.columns[0]).toEqual([1n])
        yield* warehouse.query("SELECT 2 AS two", "a statement of the run")
        expect(filesOf("my_exp")).toEqual(["0001-numbers-week-1.sql", "0002-total.sql"])
        expect(readFileSync(Path.join(folder, "my_exp", "0001-numbers-week-1.sql"), "utf8")).toBe(
          "-- numbers of my-exp (week 1)\nCREATE OR REPLACE TABLE `main.numbers` AS\nSELECT 1 AS n\n",
        )
        expect(filesOf("_run")).toEqual(["0001-a-statement-of-the-run.sql"])
      }).pipe(Effect.provide(recording)),
  )

  it.effect("starts a folder afresh in a new process (layer), so a rerun leaves no strays", () =>
    Effect.gen(function* () {
      const warehouse = yield* Warehouse
      yield* warehouse.query("SELECT 3 AS three", "only one of my-exp").pipe(recordedFor("my-exp"))
      expect(filesOf("my_exp")).toEqual(["0001-only-one.sql"])
    }).pipe(Effect.provide(recording)),
  )
})
