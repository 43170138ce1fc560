import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { IsoDate } from "../../src/domain/dates.js"
import { recordConfigHash, storedConfigHashes } from "../../src/pipeline/config-hash-table.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"

const inMemory = Warehouse.duckDb({ path: ":memory:" })
const date = "2026-10-12" as IsoDate

describe("the configuration hashes table", () => {
  it.effect("keeps one hash per experiment, the latest", () =>
    Effect.gen(function* () {
      expect(yield* storedConfigHashes()).toEqual(new Map())
      yield* recordConfigHash("exp-a", "1111", date)
      yield* recordConfigHash("exp-b", "2222", date)
      yield* recordConfigHash("exp-a", "3333", date)
      expect(yield* storedConfigHashes()).toEqual(
        new Map([
          ["exp-a", "3333"],
          ["exp-b", "2222"],
        ]),
      )
    }).pipe(Effect.provide(inMemory)),
  )

  it.effect("a row without a hash is an error naming the table and row", () =>
    Effect.gen(function* () {
      yield* recordConfigHash("exp-a", "1111", date)
      yield* (yield* Warehouse).query(
        "INSERT INTO config_hashes VALUES ('exp-b', NULL, '2026-10-12')",
        "a corrupt row",
      )
      const failure = yield* Effect.flip(storedConfigHashes())
      expect(failure.message).toMatch(
        /^row 2 of config_hashes is not a configuration hash row: .*config_hash/s,
      )
    }).pipe(Effect.provide(inMemory)),
  )
})
