import { describe, expect, it } from "@effect/vitest"
import { seededRandom } from "../../src/stats/random.js"
import {
  histogramFromSums,
  histogramOf,
  histogramQuantile,
  totalCount,
  winsorize,
  winsorizedHistogramOf,
} from "../../src/stats/value-histogram.js"

describe("value histograms", () => {
  it("tallies distinct values exactly up to the bound", () => {
    const histogram = histogramOf(Float64Array.from([3, 1, 2, 3, 3, 1]))
    expect(Array.from(histogram.values)).toEqual([1, 2, 3])
    expect(Array.from(histogram.counts)).toEqual([2, 1, 3])
    expect(histogram.variances).toBeUndefined()
  })

  it("falls back to equal-count quantile buckets keeping count, mean and variance", () => {
    const values = Float64Array.from({ length: 1000 }, (_, index) => index)
    const histogram = histogramOf(values, 10)
    expect(Array.from(histogram.counts)).toEqual(Array(10).fill(100))
    expect(histogram.values[0]).toBeCloseTo(49.5, 12)
    // Population variance of 0..99 is (100² − 1) / 12.
    expect(histogram.variances?.[0]).toBeCloseTo((100 * 100 - 1) / 12, 8)
    expect(totalCount(histogram)).toBe(1000)
  })

  it("builds buckets from the warehouse's (count, Σy, Σy²) and drops empty ones", () => {
    const histogram = histogramFromSums(
      Float64Array.from([2, 0, 3]),
      Float64Array.from([4, 0, 30]),
      Float64Array.from([10, 0, 302]),
    )
    expect(Array.from(histogram.values)).toEqual([2, 10])
    expect(Array.from(histogram.counts)).toEqual([2, 3])
    expect(Array.from(histogram.variances ?? [])).toEqual([1, 302 / 3 - 100])
  })

  it("makes neighbouring buckets of one value one bucket, and only those", () => {
    // Buckets: zeros, zeros, 2.5 (spread 0.25), 3s, 3s, 3 (spread), 3s.
    const histogram = histogramFromSums(
      Float64Array.from([4, 4, 4, 4, 2, 4, 2]),
      Float64Array.from([0, 0, 10, 12, 6, 12, 6]),
      Float64Array.from([0, 0, 26, 36, 18, 40, 18]),
    )
    expect(Array.from(histogram.values)).toEqual([0, 2.5, 3, 3, 3])
    expect(Array.from(histogram.counts)).toEqual([8, 4, 6, 4, 2])
    expect(Array.from(histogram.variances ?? [])).toEqual([0, 0.25, 0, 1, 0])
    // Summing noise (0.1 summed 1,000 times in two orders) still reads as one value; a value
    // a millionth apart does not.
    let forward = 0
    for (let index = 0; index < 1000; index++) forward += 0.1
    const byHalves = 500 * 0.1 + 500 * 0.1
    expect(forward).not.toBe(byHalves)
    const noisy = histogramFromSums(
      Float64Array.from([1000, 1000, 1000]),
      Float64Array.from([forward, byHalves, 1000 * 0.1000001]),
      Float64Array.from([1000 * 0.01, 1000 * 0.1 * 0.1, 1000 * 0.1000001 ** 2]),
    )
    expect(Array.from(noisy.counts)).toEqual([2000, 1000])
    // 40% zeros and continuous values over 500 equal-count buckets: 200 of them are zeros.
    const values = Float64Array.from({ length: 10_000 }, (_, index) =>
      index < 4000 ? 0 : Math.exp(index / 1000),
    )
    const buckets = histogramOf(values, 500)
    expect(buckets.values).toHaveLength(301)
    expect(buckets.counts[0]).toBe(4000)
    expect(totalCount(buckets)).toBe(10_000)
  })

  it("computes quantiles as numpy does (type 7) on the expanded data", () => {
    // numpy: np.quantile(np.arange(1, 1001), 0.995) == 995.005; np.quantile([1,2,3,4,100], .9) == 61.6
    const sequence = histogramOf(
      Float64Array.from({ length: 1000 }, (_, index) => index + 1),
      1000,
    )
    expect(histogramQuantile(sequence, 0.995)).toBeCloseTo(995.005, 9)
    expect(histogramQuantile(histogramOf(Float64Array.from([1, 2, 3, 4, 100])), 0.9)).toBeCloseTo(
      61.6,
      9,
    )
  })

  it("winsorizes per-client values at numpy's linear quantile", () => {
    const values = Float64Array.from([0, 1, 1, 2, 2, 2, 3, 50, 80, 1000])
    // numpy: np.quantile(values, 0.8) == 56.0 → 80 and 1000 are capped at 56.
    const capped = winsorize(values, 0.8)
    expect(Array.from(capped.subarray(0, 8))).toEqual([0, 1, 1, 2, 2, 2, 3, 50])
    expect(capped[8]).toBeCloseTo(56, 12)
    expect(capped[9]).toBe(capped[8])
    expect(winsorize(values, 1)).toBe(values)
  })

  it("winsorizes and tallies in one sort: the same histogram as histogramOf(winsorize(...))", () => {
    const random = seededRandom(5)
    const shapes: ReadonlyArray<(n: number) => Float64Array> = [
      // Heavy-tailed with zeros: buckets, and a cap among distinct values.
      (n) =>
        Float64Array.from({ length: n }, () =>
          random.nextDouble() < 0.4 ? 0 : Math.exp(1 + 1.5 * random.nextDouble() * 4),
        ),
      // Few distinct values: exact counts, the cap on a tie.
      (n) => Float64Array.from({ length: n }, () => Math.floor(random.nextDouble() * 29)),
      (n) => Float64Array.from({ length: n }, (_, index) => (index % 5 === 0 ? Number.NaN : index)),
    ]
    for (const shape of shapes) {
      for (const n of [1, 2, 10, 999, 20_000]) {
        const values = shape(n)
        for (const q of [0.5, 0.9, 0.995, 1]) {
          for (const maxBuckets of [5, 500]) {
            expect(winsorizedHistogramOf(values, q, maxBuckets)).toEqual(
              histogramOf(winsorize(values, q), maxBuckets),
            )
          }
        }
      }
    }
  })
})
