import { Array as Arr, Effect, Either } from "effect"
import {
  type QueryResult,
  Warehouse,
  type WarehouseError,
} from "../services/warehouse/warehouse.js"
import { buildPushDownBatchQuery, pushDownMemberColumn } from "../sql/push-down-batch.js"
import { defectsAsFailures } from "./containment.js"
import type { Defect } from "./problem.js"
import type { PushDown } from "./statistics.js"

/**
 * Push-downs per warehouse query at most. One query per summary and segment made thousands
 * of small queries a day (each a BigQuery job, billed at least 10 MB); a push-down query is
 * 1–3 KB of text, so 50 stay far below BigQuery's 1 MB limit on query text.
 */
export const pushDownsPerQuery = 50

/** A batch's result cut into one result per member, as if each had run alone. */
const splitBatchResult = (result: QueryResult, members: number): ReadonlyArray<QueryResult> => {
  const memberIndex = result.columnNames.indexOf(pushDownMemberColumn)
  const memberCells = result.columns[memberIndex] ?? []
  const rowsOf: number[][] = Array.from({ length: members }, () => [])
  memberCells.forEach((cell, row) => {
    rowsOf[Number(cell)]?.push(row)
  })
  const kept = result.columnNames.flatMap((_name, index) => (index === memberIndex ? [] : [index]))
  return rowsOf.map((rows) => ({
    columnNames: kept.map((index) => result.columnNames[index] ?? ""),
    columns: kept.map((index) => {
      const column = result.columns[index] ?? []
      return rows.map((row) => column[row])
    }),
    // The batch's cost, shared: results are not where costs are counted (the warehouse logs them).
    cost: result.cost,
  }))
}

/** A push-down's rows, or why it has none: the warehouse failed, or something died under it. */
export type PushDownResult = Either.Either<QueryResult, WarehouseError | Defect>

/**
 * Each push-down with its result, or its error, in as few warehouse queries as the shapes
 * allow. When a batch fails (or dies), its members run alone, so one broken summary fails
 * alone and its error names it.
 */
const queryBatch = <T extends { readonly pushDown: PushDown }>(
  batch: ReadonlyArray<T>,
  purpose: string,
): Effect.Effect<ReadonlyArray<readonly [T, PushDownResult]>, never, Warehouse> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const alone = Effect.forEach(batch, (member) =>
      Effect.either(
        defectsAsFailures(warehouse.query(member.pushDown.sql, member.pushDown.purpose)),
      ).pipe(Effect.map((result) => [member, result] as const)),
    )
    if (batch.length === 1) return yield* alone
    const shape = batch[0]?.pushDown.shape ?? ""
    const result = yield* Effect.either(
      defectsAsFailures(
        warehouse.query(
          buildPushDownBatchQuery(
            batch.map(({ pushDown }) => pushDown.sql),
            batch[0]?.pushDown.orderBy ?? [],
          ),
          `${batch.length} ${shape} push-downs of ${purpose}`,
        ),
      ),
    )
    if (Either.isRight(result)) {
      return Arr.zip(batch, splitBatchResult(result.right, batch.length).map(Either.right))
    }
    yield* Effect.logWarning(
      `a batch of ${batch.length} ${shape} push-downs of ${purpose} failed; running them one by one`,
    )
    return yield* alone
  })

/**
 * Runs the items' push-downs, batched by shape, and hands each item its result as its batch
 * returns, so statistics start while later batches are still in the warehouse. The outputs
 * come back in the items' order.
 */
export const forEachPushDownResult = <T extends { readonly pushDown: PushDown }, B, R>(
  items: ReadonlyArray<T>,
  use: (item: T, result: PushDownResult) => Effect.Effect<B, never, R>,
  options: { readonly concurrency: number; readonly purpose: string },
): Effect.Effect<ReadonlyArray<B>, never, Warehouse | R> =>
  Effect.gen(function* () {
    const byShape = Arr.groupBy(
      items.map((item, index) => ({ item, index, pushDown: item.pushDown })),
      ({ pushDown }) => pushDown.shape,
    )
    const batches = Object.values(byShape).flatMap((members) =>
      Arr.chunksOf(members, pushDownsPerQuery),
    )
    const outputs = yield* Effect.forEach(
      batches,
      (batch) =>
        queryBatch(batch, options.purpose).pipe(
          Effect.flatMap((answered) =>
            Effect.forEach(
              answered,
              ([{ item, index }, result]) =>
                use(item, result).pipe(Effect.map((output) => ({ index, output }))),
              { concurrency: "unbounded" },
            ),
          ),
        ),
      { concurrency: options.concurrency },
    )
    return outputs
      .flat()
      .sort((a, b) => a.index - b.index)
      .map(({ output }) => output)
  })
