import { describe, expect, it } from "@effect/vitest"
import {
  defaultGridSize,
  evaluationGrid,
  evaluationPoints,
  finiteHistogramOf,
  geometricGrid,
  geometricGridRefusal,
  linearGrid,
} from "../../src/stats/grid.js"

/** Ash of wine cultivar 1 in Jetstream's test data (jetstream/tests/data/wine.data). */
const ash = Float64Array.from([
  2.43, 2.14, 2.67, 2.5, 2.87, 2.45, 2.45, 2.61, 2.17, 2.27, 2.3, 2.32, 2.41, 2.39, 2.38, 2.7, 2.72,
  2.62, 2.48, 2.56, 2.28, 2.65, 2.36, 2.52, 2.61, 3.22, 2.62, 2.14, 2.8, 2.21, 2.7, 2.36, 2.36, 2.7,
  2.65, 2.41, 2.84, 2.55, 2.1, 2.51, 2.31, 2.12, 2.59, 2.29, 2.1, 2.44, 2.28, 2.12, 2.4, 2.27, 2.04,
  2.6, 2.42, 2.68, 2.25, 2.46, 2.3, 2.68, 2.5,
])

const withFirst = (values: Float64Array, first: number) => {
  const copy = Float64Array.from(values)
  copy[0] = first
  return copy
}

describe("grids as numpy builds them", () => {
  it("is numpy.linspace, bit for bit", () => {
    // numpy: g = np.linspace(2.04, 3.22, 256); g[1], g[100] == 2.0446274509803923, 2.502745098039216
    const grid = linearGrid(2.04, 3.22, 256)
    expect(grid.length).toBe(256)
    expect(grid[0]).toBe(2.04)
    expect(grid[1]).toBe(2.0446274509803923)
    expect(grid[100]).toBe(2.502745098039216)
    expect(grid[255]).toBe(3.22)
  })

  it("is numpy.geomspace, with exact endpoints", () => {
    // numpy: g = np.geomspace(2.04, 3.22, 256); g[1], g[128], g[254]
    //   == 2.043654722282079, 2.565261820116671, 3.2142415880628046
    // np.geomspace(1, 13, 5) == [1, 1.8988289221159418, 3.605551275463989, 6.846325042023044, 13]
    const grid = geometricGrid(2.04, 3.22, 256)
    expect(grid[0]).toBe(2.04)
    expect(grid[1]).toBeCloseTo(2.043654722282079, 14)
    expect(grid[128]).toBeCloseTo(2.565261820116671, 14)
    expect(grid[254]).toBeCloseTo(3.2142415880628046, 14)
    expect(grid[255]).toBe(3.22)
    const small = [1, 1.8988289221159418, 3.605551275463989, 6.846325042023044, 13]
    geometricGrid(1, 13, 5).forEach((point, index) => {
      expect(point).toBeCloseTo(small[index] ?? Number.NaN, 13)
    })
  })

  it("has one point, the start, when asked for one; refuses sizes that are not counts", () => {
    expect(Array.from(linearGrid(3, 7, 1))).toEqual([3])
    expect(Array.from(geometricGrid(3, 7, 1))).toEqual([3])
    expect(() => linearGrid(0, 1, 0)).toThrow(RangeError)
    expect(() => evaluationGrid(ash, { size: 2.5 })).toThrow(RangeError)
  })
})

describe("Jetstream's _make_grid", () => {
  it("makes a 256-point grid, geometric when asked (test_make_grid_makes_a_grid)", () => {
    for (const logSpace of [true, false]) {
      const grid = evaluationGrid(ash, { logSpace })
      expect(grid.points.length).toBe(defaultGridSize)
      expect(grid.geometric).toBe(logSpace)
      expect(grid.message).toBeUndefined()
      expect(grid.points[0]).toBe(2.04)
      expect(grid.points[255]).toBe(3.22)
    }
    // The middle point tells the two apart: (2.04 + 3.22)/2 = 2.63 against √(2.04·3.22) ≈ 2.563.
    expect(evaluationGrid(ash).points[128]).toBeCloseTo(2.04 + (128 * 1.18) / 255, 12)
    expect(evaluationGrid(ash, { logSpace: true }).points[128]).toBeCloseTo(2.565261820116671, 14)
  })

  it("falls back to a linear grid with Jetstream's message for negatives (test_make_grid_handles_negatives)", () => {
    const negative = withFirst(ash, -1)
    const refused = evaluationGrid(negative, { logSpace: true })
    expect(refused.geometric).toBe(false)
    expect(refused.points.length).toBe(256)
    expect(refused.message).toBe(geometricGridRefusal)
    expect(refused.message).toBe(
      "Refusing to create a geometric grid for a series with negative or all-zero values",
    )
    const linear = evaluationGrid(negative)
    expect(linear.message).toBeUndefined()
    expect(linear.points[0]).toBe(-1)
    expect(linear.points[255]).toBe(3.22)
    expect(refused.points).toEqual(linear.points)
  })

  it("refuses a geometric grid for all-zero data", () => {
    const grid = evaluationGrid(new Float64Array(5), { logSpace: true, size: 3 })
    expect(grid.message).toBe(geometricGridRefusal)
    expect(Array.from(grid.points)).toEqual([0, 0, 0])
  })

  it("starts a geometric grid at the second smallest value when the minimum is 0 (test_make_grid_handles_zeros)", () => {
    const zero = withFirst(ash, 0)
    const geometric = evaluationGrid(zero, { logSpace: true })
    expect(geometric.geometric).toBe(true)
    expect(geometric.message).toBeUndefined()
    expect(geometric.points.length).toBe(256)
    // The second smallest distinct value of the data (2.04 appears once, after the 0).
    expect(geometric.points[0]).toBe(2.04)
    expect(geometric.reportsZero).toBe(true)
    const reported = evaluationPoints(geometric)
    expect(reported.length).toBe(257)
    expect(reported[0]).toBe(0)
    expect(reported[1]).toBe(2.04)

    const linear = evaluationGrid(zero)
    expect(linear.geometric).toBe(false)
    expect(linear.reportsZero).toBe(false)
    expect(linear.points[0]).toBe(0)
    expect(linear.points[255]).toBe(3.22)
    expect(evaluationPoints(linear)).toBe(linear.points)
  })

  it("skips repeated zeros when looking for the start", () => {
    // numpy: np.geomspace(1, 13, 5) for [0, 0, 1, 2, 2, 3, 5, 8, 13]
    const grid = evaluationGrid(Float64Array.from([0, 0, 1, 2, 2, 3, 5, 8, 13]), {
      logSpace: true,
      size: 5,
    })
    expect(grid.points[0]).toBe(1)
    expect(grid.points[1]).toBeCloseTo(1.8988289221159418, 14)
    expect(grid.points[4]).toBe(13)
  })

  it("spans finite values only", () => {
    const grid = evaluationGrid(Float64Array.from([Number.NaN, 4, Number.POSITIVE_INFINITY, 1]), {
      size: 4,
    })
    expect(Array.from(grid.points)).toEqual([1, 2, 3, 4])
    const empty = evaluationGrid(Float64Array.from([Number.NaN]))
    expect(empty.points.length).toBe(0)
    expect(empty.message).toBeDefined()
  })
})

describe("a branch's values as the grid statistics read them", () => {
  it("tallies per-client values and reorders a histogram into the same ascending histogram", () => {
    const fromValues = finiteHistogramOf(Float64Array.from([3, 1, Number.NaN, 3, -2, 1, 3]))
    expect(Array.from(fromValues.histogram.values)).toEqual([-2, 1, 3])
    expect(Array.from(fromValues.histogram.counts)).toEqual([1, 2, 3])
    expect(fromValues.leftOut).toBe(1)

    const fromHistogram = finiteHistogramOf({
      values: Float64Array.from([3, 7, Number.NEGATIVE_INFINITY, -2, 1]),
      counts: Float64Array.from([3, 0, 4, 1, 2]),
    })
    expect(fromHistogram.histogram).toEqual(fromValues.histogram)
    expect(fromHistogram.leftOut).toBe(4)
  })

  it("carries bucket variances along with their buckets", () => {
    const { histogram } = finiteHistogramOf({
      values: Float64Array.from([5, 1]),
      counts: Float64Array.from([2, 3]),
      variances: Float64Array.from([0.5, 0.25]),
    })
    expect(Array.from(histogram.values)).toEqual([1, 5])
    expect(Array.from(histogram.variances ?? [])).toEqual([0.25, 0.5])
  })
})
