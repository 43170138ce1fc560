import { describe, expect, it } from "vitest"
import { histogramsFrom } from "../../src/pipeline/push-down-aggregates.js"

/** A result as the warehouse returns it: counts may be bigint (INT64). */
const result = (rows: ReadonlyArray<ReadonlyArray<unknown>>) => ({
  columnNames: ["branch", "kind", "value", "clients", "total", "squares"],
  columns: [0, 1, 2, 3, 4, 5].map((column) => rows.map((row) => row[column])),
  cost: { milliseconds: 0 },
})

describe("histogramsFrom", () => {
  it("reads exact values per branch, merging values a few ulps apart into one", () => {
    const histograms = histogramsFrom(
      result([
        ["control", "value", 1, 2n, 2, 2],
        ["control", "value", 1 + 2e-16, 3, 3, 3],
        ["control", "value", 2, 1, 2, 4],
        ["treatment", "value", 0.1 + 0.2, 4, 1.2, 0.36],
        ["treatment", "value", 0.30000000001, 1, 0.3, 0.09],
      ]),
    )
    expect(histograms.get("control")).toEqual({
      values: Float64Array.from([1, 2]),
      counts: Float64Array.from([5, 1]),
    })
    // 1e-11 apart relatively: two values, not rounding twins.
    expect(histograms.get("treatment")?.counts).toEqual(Float64Array.from([4, 1]))
  })

  it("reads buckets as means with their within-bucket variance", () => {
    const histograms = histogramsFrom(
      result([
        ["control", "bucket", null, 2, 4, 10],
        ["control", "bucket", null, 2, 10, 50],
      ]),
    )
    expect(histograms.get("control")).toEqual({
      values: Float64Array.from([2, 5]),
      counts: Float64Array.from([2, 2]),
      variances: Float64Array.from([1, 0]),
    })
  })
})
