import { describe, expect, it } from "@effect/vitest"
import {
  MissingOrderStatistic,
  orderStatisticsInBands,
  valueAtRank,
} from "../../src/stats/order-statistics.js"
import { seededRandom } from "../../src/stats/random.js"
import { bandedBinomialSampler, rankBand } from "../../src/stats/rank-bands.js"

/** Binomial(trials, q)'s pmf over every k, by the ratio recurrence from the mode, normalised. */
const exactPmf = (trials: number, q: number): Float64Array => {
  const pmf = new Float64Array(trials + 1)
  const mode = Math.floor((trials + 1) * q)
  pmf[mode] = 1
  for (let k = mode; k < trials; k++)
    pmf[k + 1] = (pmf[k] ?? 0) * ((trials - k) / (k + 1)) * (q / (1 - q))
  for (let k = mode; k > 0; k--)
    pmf[k - 1] = ((pmf[k] ?? 0) * (k / (trials - k + 1))) / (q / (1 - q))
  const total = pmf.reduce((sum, value) => sum + value, 0)
  return pmf.map((value) => value / total)
}

describe("rank bands of the quantile bootstrap", () => {
  it.each([
    [10, 0.1],
    [100, 0.1],
    [1000, 0.9],
    [20_000, 0.1],
    [20_000, 0.5],
    [1_000_000, 0.1],
  ])("hold all but 1e-12 of Binomial(n − 1, q)'s mass (n %s, q %s)", (n, q) => {
    const pmf = exactPmf(n - 1, q)
    const band = rankBand(n, q)
    let inside = 0
    for (let k = band.low; k <= band.high; k++) inside += pmf[k] ?? 0
    expect(1 - inside).toBeLessThan(1e-12)
    expect(band.high - band.low + 1).toBeLessThanOrEqual(
      Math.min(n, 16 * Math.sqrt((n - 1) * q * (1 - q)) + 23),
    )
  })

  it("draws Binomial(n, q) exactly: frequencies match the pmf (chi-square)", () => {
    const trials = 30
    const q = 0.2
    const pmf = exactPmf(trials, q)
    const draw = bandedBinomialSampler(trials, q, rankBand(trials + 1, q))
    const random = seededRandom(1)
    const draws = 200_000
    const frequencies = new Float64Array(trials + 1)
    for (let index = 0; index < draws; index++) {
      const k = draw(random.nextDouble())
      frequencies[k] = (frequencies[k] ?? 0) + 1
    }
    // Cells with expected count ≥ 5; 0..15 here (pmf(16) · 200k ≈ 1).
    let chiSquare = 0
    let cells = 0
    pmf.forEach((p, k) => {
      const expected = p * draws
      if (expected < 5) return
      chiSquare += ((frequencies[k] ?? 0) - expected) ** 2 / expected
      cells++
    })
    // χ²(cells − 1 ≈ 14): the 99.9% quantile is about 36.
    expect(cells).toBeGreaterThan(10)
    expect(chiSquare).toBeLessThan(36)
  })

  it("has the binomial's mean and variance at a million trials, skew included", () => {
    const trials = 999_999
    const q = 0.1
    const draw = bandedBinomialSampler(trials, q, rankBand(trials + 1, q))
    const random = seededRandom(2)
    const count = 100_000
    let sum = 0
    let squares = 0
    for (let index = 0; index < count; index++) {
      const k = draw(random.nextDouble()) - trials * q
      sum += k
      squares += k * k
    }
    const variance = trials * q * (1 - q)
    expect(Math.abs(sum / count)).toBeLessThan(5 * Math.sqrt(variance / count))
    expect(Math.abs(squares / count / variance - 1)).toBeLessThan(0.02)
  })
})

describe("order statistics", () => {
  const values = Float64Array.from([5, 1, 3, 3, 3, 9, 0, 3, 7, 2])

  it("read the value at any rank of the sorted data", () => {
    // Ten values: the median's band covers every rank.
    const all = orderStatisticsInBands(values, [0.5])
    expect(Array.from(all.values)).toEqual([0, 1, 2, 3, 5, 7, 9])
    expect([0, 2, 3, 6, 7, 9].map((rank) => valueAtRank(all, rank))).toEqual([0, 2, 3, 3, 5, 9])
  })

  it.each([
    ["continuous, 100,000", 100_000, (u: number) => u],
    ["40% zeros, then a heavy tail", 100_000, (u: number) => (u < 0.4 ? 0 : 1 / (1 - u))],
    ["few distinct values", 50_000, (u: number) => Math.floor(u * 5)],
    ["small: the bands overlap", 300, (u: number) => Math.round(u * 40)],
  ])(
    "selected band by band, equal the sorted data at every rank of every band (%s)",
    (_, n, shape) => {
      const random = seededRandom(11)
      const data = Float64Array.from({ length: n }, () => shape(random.nextDouble()))
      const levels = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
      const banded = orderStatisticsInBands(data, levels)
      const sorted = Float64Array.from(data).sort()
      for (const level of levels) {
        const band = rankBand(n, level)
        for (let rank = band.low; rank <= band.high; rank++) {
          if (valueAtRank(banded, rank) !== sorted[rank]) {
            expect.fail(
              `rank ${rank} of level ${level}: ${valueAtRank(banded, rank)}, sorted ${sorted[rank]}`,
            )
          }
        }
      }
      expect(data).not.toEqual(sorted)
    },
  )

  it("refuse a rank outside what was returned rather than guess", () => {
    const random = seededRandom(3)
    const many = Float64Array.from({ length: 100_000 }, () => random.nextDouble())
    const banded = orderStatisticsInBands(many, [0.5])
    const band = rankBand(many.length, 0.5)
    const sorted = Float64Array.from(many).sort()
    expect(valueAtRank(banded, band.low)).toBe(sorted[band.low])
    expect(valueAtRank(banded, band.high)).toBe(sorted[band.high])
    expect(() => valueAtRank(banded, band.low - 1)).toThrow(MissingOrderStatistic)
    expect(() => valueAtRank(banded, band.high + 1)).toThrow(MissingOrderStatistic)
  })
})
