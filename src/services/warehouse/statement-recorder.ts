import * as Path from "node:path"
import { FileSystem } from "@effect/platform/FileSystem"
import { Effect, FiberRef, SynchronizedRef } from "effect"
import { sanitizeName } from "../../domain/table-names.js"
import { WarehouseError } from "./error.js"
import { beforeEachStatement } from "./statement-hook.js"
import type { Warehouse } from "./warehouse.js"

/**
 * `--sql-output-dir`: every statement sent to the warehouse, as sent (BigQuery SQL; the DuckDB
 * warehouse translates after this), one file per statement under `<dir>/<experiment>/`,
 * numbered in the order sent and named for what it computes. A table written from a query is
 * recorded as the `CREATE OR REPLACE TABLE ... AS` it amounts to. Statements of no experiment
 * (the run's own) go to `<dir>/_run/`.
 */

/** The experiment the current fiber works for: whose folder its statements go to. */
export const statementOwner = FiberRef.unsafeMake<string | undefined>(undefined)

/** Runs `effect` with its statements recorded under `experiment`'s folder. */
export const recordedFor =
  (experiment: string) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.locally(effect, statementOwner, experiment)

const runFolder = "_run"

const escapedForRegExp = (text: string) => text.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** "week 1 metrics of my-exp (enrollments)" → "week-1-metrics-enrollments" in my-exp's folder. */
const fileStem = (purpose: string, owner: string | undefined) => {
  const words =
    owner === undefined
      ? purpose
      : purpose.replaceAll(new RegExp(`(?:\\b(?:of|for)\\s+)?${escapedForRegExp(owner)}`, "g"), " ")
  const stem = words
    .toLowerCase()
    .replaceAll(/[^a-z0-9]+/g, "-")
    .replaceAll(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "")
  return stem === "" ? "statement" : stem
}

/** `inner` with every statement written under `directory` (`Warehouse.recordingStatements`). */
export const recordingStatements = (
  inner: Warehouse["Type"],
  directory: string,
): Effect.Effect<Warehouse["Type"], never, FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem
    // Per folder, how many statements it holds; a folder is emptied of an earlier
    // run's files the first time this process writes to it, so reruns leave no strays.
    const counts = yield* SynchronizedRef.make(new Map<string, number>())

    const record = (sql: string, purpose: string) =>
      Effect.gen(function* () {
        const owner = yield* FiberRef.get(statementOwner)
        const folder = Path.join(directory, owner === undefined ? runFolder : sanitizeName(owner))
        const number = yield* SynchronizedRef.modifyEffect(counts, (known) =>
          Effect.gen(function* () {
            const previous = known.get(folder)
            if (previous === undefined) {
              yield* fs.remove(folder, { recursive: true }).pipe(Effect.ignore)
              yield* fs.makeDirectory(folder, { recursive: true })
            }
            const next = (previous ?? 0) + 1
            return [next, new Map(known).set(folder, next)] as const
          }),
        )
        const name = `${String(number).padStart(4, "0")}-${fileStem(purpose, owner)}.sql`
        yield* fs.writeFileString(Path.join(folder, name), `-- ${purpose}\n${sql.trimEnd()}\n`)
      }).pipe(
        Effect.mapError(
          (error) =>
            new WarehouseError({
              purpose: `recording the SQL of ${purpose} in ${directory}`,
              message: error.message,
              cause: error,
            }),
        ),
      )

    return beforeEachStatement(inner, record)
  })
