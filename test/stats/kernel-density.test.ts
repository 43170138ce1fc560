import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import {
  KernelDensityParameters,
  kernelDensityOptionsOf,
} from "../../src/stats/catalogue/kernel-density-estimate.js"
import type { EstimateRow } from "../../src/stats/estimate.js"
import {
  bandwidthConstants,
  bandwidthOf,
  densityAt,
  kernelDensityEstimate,
  spreadOf,
} from "../../src/stats/kernel-density.js"
import type { ValueHistogram } from "../../src/stats/value-histogram.js"

/*
 * Reference numbers: numpy 2.4 / scipy 1.17 (statsmodels is not installed here, so its
 * bandwidth rules are computed by their formula, and the KDE as a sum of normal pdfs,
 * which is what KDEUnivariate.evaluate computes):
 *
 *   import numpy as np; from scipy import stats
 *   def sigma(x):
 *       iqr = (stats.scoreatpercentile(x, 75) - stats.scoreatpercentile(x, 25)) / 1.349
 *       sd = np.std(x, ddof=1)
 *       return min(sd, iqr) if iqr > 0 else sd
 *   C = {"scott": 1.059, "silverman": 0.9, "normal_reference": 2 * (1 / 24) ** 0.2}
 *   def bw(x, rule, adjust=1.0): return C[rule] * sigma(x) * len(x) ** -0.2 * adjust
 *   def kde(x, at, h):
 *       return stats.norm.pdf((np.asarray(at)[:, None] - x[None, :]) / h).sum(axis=1) / (len(x) * h)
 *   g = np.linspace(ash.min(), ash.max(), 256)
 *   kde(ash, g[[0, 100, 255]], bw(ash, "scott"))
 *   gg = np.geomspace(ash.min(), ash.max(), 256); kde(ash, gg[[128]], bw(ash, "scott"))
 */

/** Ash of wine cultivar 1 in Jetstream's test data (jetstream/tests/data/wine.data). */
const ash = Float64Array.from([
  2.43, 2.14, 2.67, 2.5, 2.87, 2.45, 2.45, 2.61, 2.17, 2.27, 2.3, 2.32, 2.41, 2.39, 2.38, 2.7, 2.72,
  2.62, 2.48, 2.56, 2.28, 2.65, 2.36, 2.52, 2.61, 3.22, 2.62, 2.14, 2.8, 2.21, 2.7, 2.36, 2.36, 2.7,
  2.65, 2.41, 2.84, 2.55, 2.1, 2.51, 2.31, 2.12, 2.59, 2.29, 2.1, 2.44, 2.28, 2.12, 2.4, 2.27, 2.04,
  2.6, 2.42, 2.68, 2.25, 2.46, 2.3, 2.68, 2.5,
])

/** The distinct-value histogram of `values`, listed in descending order on purpose. */
const descendingHistogram = (values: Float64Array): ValueHistogram => {
  const tally = new Map<number, number>()
  for (const value of values) tally.set(value, (tally.get(value) ?? 0) + 1)
  const entries = [...tally].sort(([left], [right]) => right - left)
  return {
    values: Float64Array.from(entries, ([value]) => value),
    counts: Float64Array.from(entries, ([, count]) => count),
  }
}

/** The kernel's options from parameters as a config writes them, with the catalogue's defaults. */
const optionsOf = (written: object = {}) =>
  kernelDensityOptionsOf(Schema.decodeUnknownSync(KernelDensityParameters)(written))

const exactHistogram = (values: Float64Array): ValueHistogram => {
  const { values: descending, counts } = descendingHistogram(values)
  return { values: descending.reverse(), counts: counts.reverse() }
}

const only = (branch: string, values: Float64Array) =>
  kernelDensityEstimate(new Map([[branch, values]]), optionsOf())

const pointAt = (rows: ReadonlyArray<EstimateRow>, index: number) =>
  rows[index]?.point ?? Number.NaN

describe("statsmodels' bandwidth rules", () => {
  it("takes the standard deviation when it is below IQR/1.349", () => {
    // numpy: np.std(ash, ddof=1) == 0.22716598205171387; IQR/1.349 == 0.23721275018532267
    expect(spreadOf(exactHistogram(ash))).toBeCloseTo(0.22716598205171387, 14)
  })

  it("takes IQR/1.349 when it is below the standard deviation", () => {
    // numpy: x = [1..9, 100]: std 30.152390728873666, IQR/1.349 3.3358042994810972,
    // scott bandwidth 2.2289304856340704
    const heavy = exactHistogram(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]))
    expect(spreadOf(heavy)).toBeCloseTo(3.3358042994810972, 13)
    expect(bandwidthOf(heavy, "scott")).toBeCloseTo(2.2289304856340704, 13)
  })

  it("falls back to the standard deviation when the IQR is 0", () => {
    // numpy: x = [1, 1, 1, 1, 1, 1, 5]: std 1.511857892036909, scott 1.084894040176992
    const flat = exactHistogram(Float64Array.from([1, 1, 1, 1, 1, 1, 5]))
    expect(spreadOf(flat)).toBeCloseTo(1.511857892036909, 14)
    expect(bandwidthOf(flat, "scott")).toBeCloseTo(1.084894040176992, 14)
  })

  it("scales n^(−1/5)·A by 1.059 (scott), 0.9 (silverman), (4/3)^(1/5) (normal_reference) and adjust", () => {
    // numpy: bw(ash, rule) == 0.10643117441224367, 0.09045142301323826, 0.10645367079157017
    const histogram = exactHistogram(ash)
    expect(bandwidthConstants.normal_reference).toBeCloseTo(1.0592238410488122, 15)
    expect(bandwidthConstants.normal_reference).toBeCloseTo((4 / 3) ** 0.2, 15)
    expect(bandwidthOf(histogram, "scott")).toBeCloseTo(0.10643117441224367, 15)
    expect(bandwidthOf(histogram, "silverman")).toBeCloseTo(0.09045142301323826, 15)
    expect(bandwidthOf(histogram, "normal_reference")).toBeCloseTo(0.10645367079157017, 15)
    expect(bandwidthOf(histogram, "scott", 0.5)).toBeCloseTo(0.10643117441224367 / 2, 15)
  })

  it("keeps the within-bucket variance in the standard deviation of quantile buckets", () => {
    // Buckets {0, 2} and {4, 6}: means 1 and 5, population variances 1 and 1. The data's
    // std(ddof=1) is √(20/3); the IQR of the bucket means, 4/1.349, is larger.
    const buckets = {
      values: Float64Array.from([1, 5]),
      counts: Float64Array.from([2, 2]),
      variances: Float64Array.from([1, 1]),
    }
    expect(spreadOf(buckets)).toBeCloseTo(Math.sqrt(20 / 3), 14)
  })
})

describe("kernel_density_estimate", () => {
  it("matches the sum of normal pdfs on the linear grid (scott by default)", () => {
    // numpy: kde(ash, g[[0, 100, 255]], bw(ash, "scott"))
    //   == [0.44730254049974366, 1.487068057177765, 0.06395397290859656]
    const { rows, warnings } = only("1", ash)
    expect(warnings).toEqual([])
    expect(rows.length).toBe(256)
    expect(rows[0]).toEqual({ branch: "1", parameter: 2.04, point: expect.any(Number) })
    expect(rows[100]?.parameter).toBe(2.502745098039216)
    expect(pointAt(rows, 0)).toBeCloseTo(0.44730254049974366, 13)
    expect(pointAt(rows, 100)).toBeCloseTo(1.487068057177765, 13)
    expect(pointAt(rows, 255)).toBeCloseTo(0.06395397290859656, 13)
  })

  it("meets Jetstream's own expectation for the ash of cultivar 1 (test_kde)", () => {
    // Jetstream: results[0].parameter == "2.04"; results[0].point ≈ 0.5 ± 0.1
    const { rows } = only("1", ash)
    expect(rows[0]?.parameter).toBe(2.04)
    expect(Math.abs(pointAt(rows, 0) - 0.5)).toBeLessThanOrEqual(0.1)
  })

  it("uses the silverman and normal_reference rules and adjust when asked", () => {
    // numpy: silverman [0.4379199082654597, 1.4845547004799495],
    // normal_reference [0.4473184173346519, 1.487058853461766],
    // scott with adjust 0.5 [0.39451062002760295, 1.401510174953878] at g[0], g[100]
    const cases = [
      [{ bandwidth: "silverman" }, 0.4379199082654597, 1.4845547004799495],
      [{ bandwidth: "normal_reference" }, 0.4473184173346519, 1.487058853461766],
      [{ adjust: 0.5 }, 0.39451062002760295, 1.401510174953878],
    ] as const
    for (const [parameters, atMinimum, atHundredth] of cases) {
      const { rows } = kernelDensityEstimate(new Map([["1", ash]]), optionsOf(parameters))
      expect(pointAt(rows, 0)).toBeCloseTo(atMinimum, 13)
      expect(pointAt(rows, 100)).toBeCloseTo(atHundredth, 13)
    }
  })

  it("reads the same density at geometric x under log_space", () => {
    // numpy: gg[128] == 2.565261820116671; kde(ash, [gg[128]], bw(ash, "scott")) == 1.401297120726102
    const { rows } = kernelDensityEstimate(new Map([["1", ash]]), optionsOf({ log_space: true }))
    expect(rows.length).toBe(256)
    expect(rows[128]?.parameter).toBeCloseTo(2.565261820116671, 14)
    expect(pointAt(rows, 128)).toBeCloseTo(1.401297120726102, 13)
  })

  it("reports x = 0 ahead of a geometric grid when the minimum is 0 (test_kde_with_geom_zero)", () => {
    // numpy: z = [0, 0, 1, 2, 2, 3, 5, 8, 13]; h = bw(z, "scott") == 2.023464082612045
    // kde(z, [0], h) == 0.09842522144452968
    // kde(z, np.geomspace(1, 13, 5), h) == [0.11605998722382259, 0.11770790730238789,
    //   0.09079456439977572, 0.0398483478671627, 0.02294983122685168]
    const zeros = Float64Array.from([0, 0, 1, 2, 2, 3, 5, 8, 13])
    const { rows, warnings } = kernelDensityEstimate(
      new Map([["a", zeros]]),
      optionsOf({
        log_space: true,
        grid_size: 5,
      }),
    )
    expect(warnings).toEqual([])
    expect(rows.map((row) => row.parameter)[0]).toBe(0)
    expect(Math.min(...rows.map((row) => row.parameter ?? Number.NaN))).toBe(0)
    const expected = [
      0.09842522144452968, 0.11605998722382259, 0.11770790730238789, 0.09079456439977572,
      0.0398483478671627, 0.02294983122685168,
    ]
    expect(rows.length).toBe(6)
    rows.forEach((row, index) => {
      expect(row.point).toBeCloseTo(expected[index] ?? Number.NaN, 14)
      expect(row.lower).toBeUndefined()
    })
  })

  it("warns and reads a linear grid when log_space meets negative values", () => {
    const negative = Float64Array.from(ash, (value) => -value)
    const { rows, warnings } = kernelDensityEstimate(
      new Map([["1", negative]]),
      optionsOf({
        log_space: true,
      }),
    )
    expect(rows.length).toBe(256)
    expect(rows[0]?.parameter).toBe(-3.22)
    expect(warnings).toEqual([
      "branch 1: Refusing to create a geometric grid for a series with negative or all-zero values",
    ])
    // Mirrored data, mirrored grid: the density at −2.04 is the one at 2.04.
    expect(pointAt(rows, 255)).toBeCloseTo(0.44730254049974366, 13)
  })

  it("gives every branch its own grid and bandwidth, 256 rows each", () => {
    const shifted = Float64Array.from(ash, (value) => value * 10)
    const { rows } = kernelDensityEstimate(
      new Map([
        ["control", ash],
        ["treatment", shifted],
      ]),
      optionsOf(),
    )
    expect(rows.length).toBe(2 * 256)
    const treatment = rows.filter((row) => row.branch === "treatment")
    expect(treatment[0]?.parameter).toBeCloseTo(20.4, 12)
    // Scaling the data by 10 scales the density by 1/10.
    expect(pointAt(treatment, 0)).toBeCloseTo(0.44730254049974366 / 10, 14)
  })

  it("gives the same rows from per-client values and from their histogram", () => {
    const fromValues = kernelDensityEstimate(new Map([["1", ash]]), optionsOf({ log_space: true }))
    const fromHistogram = kernelDensityEstimate(
      new Map([["1", descendingHistogram(ash)]]),
      optionsOf({
        log_space: true,
      }),
    )
    expect(fromHistogram).toEqual(fromValues)
    const withZero = Float64Array.from([0, 0, 1, 2, 2, 3, 5, 8, 13])
    expect(
      kernelDensityEstimate(new Map([["a", descendingHistogram(withZero)]]), optionsOf()),
    ).toEqual(kernelDensityEstimate(new Map([["a", withZero]]), optionsOf()))
  })

  it("integrates to 1 over the data's range and well beyond", () => {
    const histogram = exactHistogram(ash)
    const bandwidth = bandwidthOf(histogram, "scott")
    const step = 0.001
    let area = 0
    for (let x = 1; x <= 4; x += step) area += densityAt(histogram, bandwidth, x) * step
    expect(area).toBeCloseTo(1, 6)
  })

  it("leaves out null and infinite values with a warning", () => {
    const dirty = Float64Array.from([...ash, Number.NaN, Number.POSITIVE_INFINITY])
    const { rows, warnings } = only("1", dirty)
    expect(rows).toEqual(only("1", ash).rows)
    expect(warnings).toEqual(["branch 1: 2 null or infinite values left out of the density"])
  })

  it("gives no rows, only a warning, when the bandwidth is not positive or there is no data", () => {
    const output = kernelDensityEstimate(
      new Map([
        ["one", Float64Array.from([3])],
        ["same", Float64Array.from([2, 2, 2])],
        ["none", new Float64Array()],
        ["fine", ash],
      ]),
      optionsOf(),
    )
    expect(output.rows.every((row) => row.branch === "fine")).toBe(true)
    expect(output.warnings).toEqual([
      "branch one: the scott bandwidth is NaN (it needs two distinct values and adjust > 0), no density",
      "branch same: the scott bandwidth is 0 (it needs two distinct values and adjust > 0), no density",
      "branch none: no finite values, no density",
    ])
  })

  it("warns that quantile buckets give an approximate density", () => {
    const { rows, warnings } = kernelDensityEstimate(
      new Map([
        [
          "b",
          {
            values: Float64Array.from([1, 5]),
            counts: Float64Array.from([2, 2]),
            variances: Float64Array.from([1, 1]),
          },
        ],
      ]),
      optionsOf({ grid_size: 3 }),
    )
    expect(rows.map((row) => row.parameter)).toEqual([1, 3, 5])
    expect(warnings).toEqual(["branch b: density from 2 quantile buckets, approximate"])
  })

  it("reads Jetstream's parameter names with Jetstream's defaults", () => {
    expect(optionsOf({})).toEqual({
      bandwidth: "scott",
      adjust: 1,
      gridSize: 256,
      logSpace: false,
    })
    expect(
      optionsOf({
        bandwidth: "silverman",
        adjust: 2,
        grid_size: 64,
        log_space: true,
        kernel: "gau",
      }),
    ).toEqual({ bandwidth: "silverman", adjust: 2, gridSize: 64, logSpace: true })
  })
})
