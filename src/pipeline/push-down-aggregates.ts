import type { QueryResult } from "../services/warehouse/warehouse.js"
import type { LinearModelSums } from "../stats/linear-model.js"
import type { OrderStatistics } from "../stats/order-statistics.js"
import type { RatioData } from "../stats/population-ratio.js"
import { histogramFromSums, type ValueHistogram } from "../stats/value-histogram.js"

/**
 * Push-down query results (src/sql/push-down-query.ts) read back into the aggregates the
 * statistics take, per branch. Warehouse numbers may arrive as bigint or string (INT64 on
 * BigQuery), so every cell goes through `numberOf`.
 */

const numberOf = (cell: unknown): number => {
  if (typeof cell === "number") return cell
  if (typeof cell === "bigint") return Number(cell)
  if (typeof cell === "string") return Number(cell)
  return Number.NaN
}

/** The result's columns by name: a missing column reads as an empty one. */
const columnsOf = (result: QueryResult) => {
  const byName = new Map(result.columnNames.map((name, index) => [name, result.columns[index]]))
  return (name: string): ReadonlyArray<unknown> => byName.get(name) ?? []
}

const branchesOf = (result: QueryResult): ReadonlyArray<string> =>
  columnsOf(result)("branch").map(String)

/** Row indices per branch, in the result's order. */
const rowsByBranchOf = (result: QueryResult): ReadonlyMap<string, ReadonlyArray<number>> => {
  const rows = new Map<string, number[]>()
  branchesOf(result).forEach((branch, row) => {
    const list = rows.get(branch)
    if (list === undefined) rows.set(branch, [row])
    else list.push(row)
  })
  return rows
}

/**
 * Values closer than this, relatively, are one value: a per-client sum of floats can come out
 * a few ulps apart depending on the warehouse's summing order, and whether two clients' sums
 * are one distinct value or two must not change between runs (the bootstrap draws one weight
 * per distinct value, so the seeded draws would shift).
 */
const sameValueTolerance = 1e-12

/** Ascending distinct values with counts, rounding twins merged into the first of them. */
const mergeRoundingTwins = (values: Float64Array, counts: Float64Array): ValueHistogram => {
  const mergedValues: number[] = []
  const mergedCounts: number[] = []
  values.forEach((value, index) => {
    const last = mergedValues.length - 1
    const previous = mergedValues[last]
    if (
      previous !== undefined &&
      Math.abs(value - previous) <=
        sameValueTolerance * Math.max(Math.abs(value), Math.abs(previous))
    ) {
      mergedCounts[last] = (mergedCounts[last] ?? 0) + (counts[index] ?? 0)
    } else {
      mergedValues.push(value)
      mergedCounts.push(counts[index] ?? 0)
    }
  })
  return { values: Float64Array.from(mergedValues), counts: Float64Array.from(mergedCounts) }
}

/** Rows of `buildHistogramQuery`: exact (value, clients) rows, or buckets with sums. */
export const histogramsFrom = (result: QueryResult): ReadonlyMap<string, ValueHistogram> => {
  const column = columnsOf(result)
  const [kind, value, clients, total, squares] = [
    "kind",
    "value",
    "clients",
    "total",
    "squares",
  ].map(column) as [
    ReadonlyArray<unknown>,
    ReadonlyArray<unknown>,
    ReadonlyArray<unknown>,
    ReadonlyArray<unknown>,
    ReadonlyArray<unknown>,
  ]
  const rowsByBranch = rowsByBranchOf(result)
  const histograms = new Map<string, ValueHistogram>()
  for (const [branch, rows] of rowsByBranch) {
    const counts = Float64Array.from(rows, (row) => numberOf(clients[row]))
    if (rows.every((row) => kind[row] === "value")) {
      histograms.set(
        branch,
        mergeRoundingTwins(
          Float64Array.from(rows, (row) => numberOf(value[row])),
          counts,
        ),
      )
    } else {
      histograms.set(
        branch,
        histogramFromSums(
          counts,
          Float64Array.from(rows, (row) => numberOf(total[row])),
          Float64Array.from(rows, (row) => numberOf(squares[row])),
        ),
      )
    }
  }
  return histograms
}

/** Rows of `buildOrderStatisticsQuery`: runs of equal values over ranks, per branch. */
export const orderStatisticsFrom = (result: QueryResult): ReadonlyMap<string, OrderStatistics> => {
  const column = columnsOf(result)
  const rowsByBranch = rowsByBranchOf(result)
  const read = (name: string, rows: ReadonlyArray<number>) =>
    Float64Array.from(rows, (row) => numberOf(column(name)[row]))
  return new Map(
    [...rowsByBranch].map(([branch, rows]) => [
      branch,
      {
        n: numberOf(column("clients")[rows[0] ?? 0]),
        values: read("value", rows),
        firstRanks: read("first_rank", rows),
        lastRanks: read("last_rank", rows),
      },
    ]),
  )
}

/** Rows of `buildSufficientStatisticsQuery`: n, Σy, Σy² (and Σx, Σx², Σxy with a covariate). */
export const sumsFrom = (result: QueryResult): ReadonlyMap<string, LinearModelSums> => {
  const column = columnsOf(result)
  const hasCovariate = result.columnNames.includes("sum_x")
  return new Map(
    branchesOf(result).map((branch, row) => {
      const at = (name: string) => numberOf(column(name)[row])
      const sums: LinearModelSums = hasCovariate
        ? {
            n: at("n"),
            sumY: at("sum_y"),
            sumY2: at("sum_y2"),
            sumX: at("sum_x"),
            sumX2: at("sum_x2"),
            sumXY: at("sum_xy"),
          }
        : { n: at("n"), sumY: at("sum_y"), sumY2: at("sum_y2") }
      return [branch, sums]
    }),
  )
}

/** Rows of `buildRatioSumsQuery`: population_ratio's sums per branch. */
export const ratiosFrom = (result: QueryResult): ReadonlyMap<string, RatioData> => {
  const column = columnsOf(result)
  return new Map(
    branchesOf(result).map((branch, row) => {
      const at = (name: string) => numberOf(column(name)[row])
      const ratio: RatioData = {
        kind: "sums",
        clients: at("clients"),
        sumNumerator: at("sum_numerator"),
        sumDenominator: at("sum_denominator"),
        sumNumeratorSquares: at("sum_numerator_squares"),
        sumDenominatorSquares: at("sum_denominator_squares"),
        sumProducts: at("sum_products"),
      }
      return [branch, ratio]
    }),
  )
}

/** Clients per branch from a `branch, clients` result. */
export const clientCountsFrom = (
  result: QueryResult,
  column: string,
): ReadonlyMap<string, number> => {
  const counts = columnsOf(result)(column)
  return new Map(branchesOf(result).map((branch, row) => [branch, numberOf(counts[row])]))
}
