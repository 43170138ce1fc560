import { describe, expect, it } from "@effect/vitest"
import { quantileOfSorted, quantilesOf, selectRanks, sortedCopy } from "../../src/stats/quantile.js"
import { seededRandom } from "../../src/stats/random.js"

const bySorting = (values: Float64Array, levels: ReadonlyArray<number>) => {
  const sorted = sortedCopy(values)
  return levels.map((q) => quantileOfSorted(sorted, q))
}

describe("quantilesOf", () => {
  it("gives the sorted data's quantiles to the bit, by selection", () => {
    const random = seededRandom(7)
    const levels = [0, 0.025, 0.05, 0.1, 0.5, 0.9, 0.95, 0.975, 1]
    const shapes: ReadonlyArray<(n: number) => Float64Array> = [
      (n) => Float64Array.from({ length: n }, () => random.nextDouble()),
      // Heavy ties: a bootstrap of a few distinct values.
      (n) => Float64Array.from({ length: n }, () => Math.floor(random.nextDouble() * 4)),
      (n) => Float64Array.from({ length: n }, (_, index) => n - index),
      (n) => Float64Array.from({ length: n }, () => 3),
      (n) =>
        Float64Array.from({ length: n }, (_, index) =>
          index % 7 === 0
            ? Number.POSITIVE_INFINITY
            : index % 11 === 0
              ? -Infinity
              : random.nextDouble(),
        ),
    ]
    for (const shape of shapes) {
      for (const n of [1, 2, 3, 10, 999, 10_000]) {
        const values = shape(n)
        const copy = Float64Array.from(values)
        expect(quantilesOf(values, levels)).toEqual(bySorting(values, levels))
        expect(values).toEqual(copy)
      }
    }
  })

  it("sorts when there is a NaN (NaN sorts last), and gives NaN for no data", () => {
    const values = Float64Array.from([3, Number.NaN, 1, 2])
    expect(quantilesOf(values, [0, 0.5, 1])).toEqual(bySorting(values, [0, 0.5, 1]))
    expect(quantilesOf(new Float64Array(), [0.5])).toEqual([Number.NaN])
  })
})

describe("selectRanks", () => {
  it("puts each rank's order statistic at its index, nothing above it before, nothing below after", () => {
    const random = seededRandom(11)
    const shapes: ReadonlyArray<(n: number) => Float64Array> = [
      (n) => Float64Array.from({ length: n }, () => random.nextDouble()),
      (n) => Float64Array.from({ length: n }, () => Math.floor(random.nextDouble() * 3)),
      (n) => Float64Array.from({ length: n }, (_, index) => index),
      (n) => Float64Array.from({ length: n }, () => 5),
    ]
    for (const shape of shapes) {
      for (const n of [1, 2, 5, 100, 20_000]) {
        const values = shape(n)
        const sorted = sortedCopy(values)
        // Ranks at both ends, adjacent and repeated ones, and a random handful.
        const ranks = [
          ...new Set([
            0,
            n - 1,
            Math.floor(n / 2),
            Math.floor(n / 2) + 1,
            ...Array.from({ length: 16 }, () => Math.floor(random.nextDouble() * n)),
          ]),
        ]
          .filter((rank) => rank < n)
          .sort((a, b) => a - b)
        const selected = Float64Array.from(values)
        selectRanks(selected, ranks, 0, n - 1)
        expect(sortedCopy(selected)).toEqual(sorted)
        for (const rank of ranks) {
          const value = selected[rank] ?? Number.NaN
          expect(value).toBe(sorted[rank])
          expect(selected.subarray(0, rank).every((before) => before <= value)).toBe(true)
          expect(selected.subarray(rank + 1).every((after) => after >= value)).toBe(true)
        }
      }
    }
  })
})
