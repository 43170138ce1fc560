import { Effect, Ref } from "effect"
import type { QueryCost } from "./warehouse.js"

/** What every query of a warehouse has cost so far: the run's closing totals. */
export interface CostTotals {
  readonly queries: number
  readonly milliseconds: number
  readonly bytesProcessed: number
  readonly bytesBilled: number
  readonly slotMilliseconds: number
}

export const noCost: CostTotals = {
  queries: 0,
  milliseconds: 0,
  bytesProcessed: 0,
  bytesBilled: 0,
  slotMilliseconds: 0,
}

/** The totals with one more query's cost added. */
const plus = (totals: CostTotals, cost: QueryCost): CostTotals => ({
  queries: totals.queries + 1,
  milliseconds: totals.milliseconds + cost.milliseconds,
  bytesProcessed: totals.bytesProcessed + (cost.bytesProcessed ?? 0),
  bytesBilled: totals.bytesBilled + (cost.bytesBilled ?? 0),
  slotMilliseconds: totals.slotMilliseconds + (cost.slotMilliseconds ?? 0),
})

/** A running sum of query costs, for one warehouse connection. */
export interface CostTally {
  readonly add: (cost: QueryCost) => Effect.Effect<void>
  readonly read: Effect.Effect<CostTotals>
}

export const makeCostTally: Effect.Effect<CostTally> = Effect.map(Ref.make(noCost), (totals) => ({
  add: (cost) => Ref.update(totals, (sum) => plus(sum, cost)),
  read: Ref.get(totals),
}))
