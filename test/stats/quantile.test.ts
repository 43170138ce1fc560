import { describe, expect, it } from "@effect/vitest"
import { quantileOfSorted, quantilesOf, sortedCopy } from "../../src/stats/quantile.js"
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
