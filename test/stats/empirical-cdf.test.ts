import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import {
  EmpiricalCdfParameters,
  empiricalCdfOptionsOf,
} from "../../src/stats/catalogue/empirical-cdf.js"
import { cumulativeSharesAt, empiricalCdf } from "../../src/stats/empirical-cdf.js"
import { evaluationGrid, evaluationPoints } from "../../src/stats/grid.js"
import type { ValueHistogram } from "../../src/stats/value-histogram.js"

/** The kernel's options from parameters as a config writes them, with the catalogue's defaults. */
const optionsOf = (written: object = {}) =>
  empiricalCdfOptionsOf(Schema.decodeUnknownSync(EmpiricalCdfParameters)(written))

/*
 * Reference numbers: numpy 2.4 (statsmodels' ECDF(x)(t) is the share of values ≤ t):
 *
 *   import numpy as np
 *   def ecdf(x, at): return np.searchsorted(np.sort(x), at, side="right") / len(x)
 *   g = np.linspace(ash.min(), ash.max(), 256); ecdf(ash, g[[0, 100, 255]])
 *     == [1/59, 36/59, 1]
 *   gg = np.geomspace(ash.min(), ash.max(), 256); ecdf(ash, gg[128]) == 40/59
 *   z = [0, 0, 1, 2, 2, 3, 5, 8, 13]; ecdf(z, [0]) == 2/9
 *   ecdf(z, np.geomspace(1, 13, 5)) == [3/9, 3/9, 6/9, 7/9, 1]
 */

/** Ash of wine cultivar 1 in Jetstream's test data (jetstream/tests/data/wine.data). */
const ash = Float64Array.from([
  2.43, 2.14, 2.67, 2.5, 2.87, 2.45, 2.45, 2.61, 2.17, 2.27, 2.3, 2.32, 2.41, 2.39, 2.38, 2.7, 2.72,
  2.62, 2.48, 2.56, 2.28, 2.65, 2.36, 2.52, 2.61, 3.22, 2.62, 2.14, 2.8, 2.21, 2.7, 2.36, 2.36, 2.7,
  2.65, 2.41, 2.84, 2.55, 2.1, 2.51, 2.31, 2.12, 2.59, 2.29, 2.1, 2.44, 2.28, 2.12, 2.4, 2.27, 2.04,
  2.6, 2.42, 2.68, 2.25, 2.46, 2.3, 2.68, 2.5,
])
const zeros = Float64Array.from([0, 0, 1, 2, 2, 3, 5, 8, 13])

/** Tallies values at the given ascending points: each at the smallest point ≥ it. */
const binnedUp = (values: Float64Array, points: Float64Array): ValueHistogram => {
  const counts = new Float64Array(points.length)
  for (const value of values) {
    const slot = points.findIndex((point) => point >= value)
    counts[slot] = (counts[slot] ?? 0) + 1
  }
  return { values: points, counts }
}

describe("empirical_cdf", () => {
  it("is the share of values at or below each linear grid point", () => {
    const { rows, warnings } = empiricalCdf(new Map([["1", ash]]), optionsOf())
    expect(warnings).toEqual([])
    expect(rows.length).toBe(256)
    expect(rows[0]).toEqual({ branch: "1", parameter: 2.04, point: 1 / 59 })
    expect(rows[100]?.point).toBe(36 / 59)
    expect(rows[255]?.point).toBe(1)
  })

  it("reads a geometric grid under log_space", () => {
    const { rows } = empiricalCdf(new Map([["1", ash]]), optionsOf({ log_space: true }))
    expect(rows[128]?.parameter).toBeCloseTo(2.565261820116671, 14)
    expect(rows[128]?.point).toBe(40 / 59)
  })

  it("reports F(0), the share of zeros, ahead of a geometric grid when the minimum is 0", () => {
    const { rows } = empiricalCdf(
      new Map([["a", zeros]]),
      optionsOf({ log_space: true, grid_size: 5 }),
    )
    expect(rows.map((row) => row.parameter)[0]).toBe(0)
    expect(rows.map((row) => row.point)).toEqual([2 / 9, 3 / 9, 3 / 9, 6 / 9, 7 / 9, 1])
  })

  it("runs for linear, geometric and refused geometric grids (Jetstream's test_ecdf)", () => {
    expect(empiricalCdf(new Map([["1", ash]]), optionsOf()).rows.length).toBeGreaterThan(0)
    expect(
      empiricalCdf(new Map([["1", ash]]), optionsOf({ log_space: true })).rows.length,
    ).toBeGreaterThan(0)
    const negative = Float64Array.from(ash, (value) => -value)
    const refused = empiricalCdf(new Map([["1", negative]]), optionsOf({ log_space: true }))
    expect(refused.rows.length).toBe(256)
    expect(refused.rows[0]?.parameter).toBe(-3.22)
    expect(refused.rows[0]?.point).toBe(1 / 59)
    expect(refused.warnings).toEqual([
      "branch 1: Refusing to create a geometric grid for a series with negative or all-zero values",
    ])
  })

  it("gives the same rows from per-client values and from their distinct-value histogram", () => {
    const tally = new Map<number, number>()
    for (const value of ash) tally.set(value, (tally.get(value) ?? 0) + 1)
    const entries = [...tally].sort(([left], [right]) => right - left)
    const histogram = {
      values: Float64Array.from(entries, ([value]) => value),
      counts: Float64Array.from(entries, ([, count]) => count),
    }
    for (const log_space of [false, true]) {
      expect(empiricalCdf(new Map([["1", histogram]]), optionsOf({ log_space }))).toEqual(
        empiricalCdf(new Map([["1", ash]]), optionsOf({ log_space })),
      )
    }
  })

  it("gives the same rows from counts binned up to the reported points (the push-down)", () => {
    for (const [values, logSpace] of [
      [ash, false],
      [ash, true],
      [zeros, true],
    ] as const) {
      const parameters = { log_space: logSpace, grid_size: 16 }
      const points = evaluationPoints(evaluationGrid(values, { size: 16, logSpace }))
      const binned = binnedUp(values, points)
      expect(binned.counts.filter((count) => count > 0).length).toBeLessThan(values.length)
      expect(empiricalCdf(new Map([["b", binned]]), optionsOf(parameters))).toEqual(
        empiricalCdf(new Map([["b", values]]), optionsOf(parameters)),
      )
    }
  })

  it("is 0 below the smallest value and 1 from the largest on", () => {
    const histogram = { values: Float64Array.from([1, 2, 4]), counts: Float64Array.from([1, 2, 1]) }
    expect(
      Array.from(cumulativeSharesAt(histogram, Float64Array.from([0, 1, 1.5, 2, 3, 4, 9]))),
    ).toEqual([0, 0.25, 0.25, 0.75, 0.75, 1, 1])
  })

  it("leaves out null and infinite values with a warning, and empty branches", () => {
    const output = empiricalCdf(
      new Map([
        ["dirty", Float64Array.from([Number.NaN, 1, 3, Number.NEGATIVE_INFINITY])],
        ["empty", new Float64Array()],
      ]),
      optionsOf({ grid_size: 3 }),
    )
    expect(output.rows).toEqual([
      { branch: "dirty", parameter: 1, point: 0.5 },
      { branch: "dirty", parameter: 2, point: 0.5 },
      { branch: "dirty", parameter: 3, point: 1 },
    ])
    expect(output.warnings).toEqual([
      "branch dirty: 2 null or infinite values left out of the CDF",
      "branch empty: no finite values, no CDF",
    ])
  })

  it("reads Jetstream's parameter names with Jetstream's defaults", () => {
    expect(optionsOf({})).toEqual({ gridSize: 256, logSpace: false })
    expect(optionsOf({ grid_size: 10, log_space: true })).toEqual({
      gridSize: 10,
      logSpace: true,
    })
  })
})
