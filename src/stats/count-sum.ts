import type { StatisticOutput } from "./sample-summary.js"

/** Jetstream's count: the number of clients per branch (no interval, no comparison). */
export const count = (clientsByBranch: ReadonlyMap<string, number>): StatisticOutput => ({
  rows: [...clientsByBranch].map(([branch, clients]) => ({ branch, point: clients })),
  warnings: [],
})

/** Jetstream's sum: the metric summed over a branch's clients (no interval, no comparison). */
export const sum = (totalsByBranch: ReadonlyMap<string, number>): StatisticOutput => ({
  rows: [...totalsByBranch].map(([branch, total]) => ({ branch, point: total })),
  warnings: [],
})
