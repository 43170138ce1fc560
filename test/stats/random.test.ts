import { describe, expect, it } from "@effect/vitest"
import {
  beta,
  binomial,
  dirichletSampler,
  gamma,
  standardNormal,
} from "../../src/stats/distributions.js"
import { seededRandom, splitmix64, xoshiro128StarStar } from "../../src/stats/random.js"

const moments = (draw: () => number, n: number) => {
  let total = 0
  let squares = 0
  for (let index = 0; index < n; index++) {
    const value = draw()
    total += value
    squares += value * value
  }
  const mean = total / n
  return { mean, variance: squares / n - mean * mean }
}

describe("random sources", () => {
  it("reproduces the reference xoshiro128** stream from state {1, 2, 3, 4}", () => {
    // Outputs of Blackman & Vigna's xoshiro128starstar.c for that state.
    const random = xoshiro128StarStar([1, 2, 3, 4])
    expect(Array.from({ length: 6 }, random.nextUint32)).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492,
    ])
  })

  it("reproduces splitmix64's published first outputs from seed 0", () => {
    const next = splitmix64(0n)
    expect([next(), next()]).toEqual([0xe220a8397b1dcdafn, 0x6e789e6aa1b965f4n])
  })

  it("gives the same stream for the same seed and stream label, another for another", () => {
    const draws = (seed: number, stream: string) => {
      const random = seededRandom(seed, stream)
      return Array.from({ length: 5 }, random.nextDouble)
    }
    expect(draws(42, "control")).toEqual(draws(42, "control"))
    expect(draws(42, "control")).not.toEqual(draws(42, "treatment"))
    expect(draws(42, "control")).not.toEqual(draws(43, "control"))
    for (const value of draws(7, "")) expect(value >= 0 && value < 1).toBe(true)
  })
})

describe("distributions", () => {
  const n = 200_000
  // Tolerances are 5 standard errors of the sample moment: seeded, so never flaky.
  it("draws standard normals with mean 0 and variance 1", () => {
    const random = seededRandom(1)
    const { mean, variance } = moments(() => standardNormal(random), n)
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n))
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n))
  })

  it.each([
    [-4, 3.167124183311998e-5],
    [-3.442619855899, 2.8805425619582437e-4],
    [-1, 0.15865525393145707],
    [0, 0.5],
    [0.25, 0.5987063256829237],
    [2, 0.9772498680518208],
    [3.5, 0.9997673709209645],
  ])(
    "puts the normal's mass below %s where Φ does (ziggurat layers, wedges and tail)",
    (x, phi) => {
      const random = seededRandom(3, `${x}`)
      const draws = 1_000_000
      let below = 0
      for (let draw = 0; draw < draws; draw++) if (standardNormal(random) < x) below++
      expect(Math.abs(below / draws - phi)).toBeLessThan(5 * Math.sqrt((phi * (1 - phi)) / draws))
    },
  )

  it("draws Dirichlet weights with mean αᵢ/Σα, for shapes below, at and above 1", () => {
    const alphas = Float64Array.from([0.5, 1, 1, 2.5, 40])
    const sample = dirichletSampler(alphas)
    const random = seededRandom(4)
    const weights = new Float64Array(alphas.length)
    const sums = new Float64Array(alphas.length)
    const draws = 100_000
    for (let draw = 0; draw < draws; draw++) {
      sample(random, weights)
      weights.forEach((weight, index) => {
        sums[index] = (sums[index] ?? 0) + weight
      })
    }
    const total = 45
    alphas.forEach((alpha, index) => {
      const mean = alpha / total
      const sd = Math.sqrt((mean * (1 - mean)) / (total + 1) / draws)
      expect(Math.abs((sums[index] ?? 0) / draws - mean)).toBeLessThan(5 * sd)
    })
  })

  it.each([0.3, 1, 3.5, 1000])(
    "draws Gamma(%s) with mean and variance equal to the shape",
    (shape) => {
      const random = seededRandom(2, `${shape}`)
      const { mean, variance } = moments(() => gamma(random, shape), n)
      expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / n))
      // Var of the sample variance of a gamma: (2k² + 6k) / n.
      expect(Math.abs(variance - shape)).toBeLessThan(
        5 * Math.sqrt((2 * shape * shape + 6 * shape) / n),
      )
    },
  )

  it("draws Beta(a, b) with mean a / (a + b)", () => {
    const random = seededRandom(3)
    const { mean, variance } = moments(() => beta(random, 11, 91), n)
    const expectedVariance = (11 * 91) / (102 * 102 * 103)
    expect(Math.abs(mean - 11 / 102)).toBeLessThan(5 * Math.sqrt(expectedVariance / n))
    expect(Math.abs(variance - expectedVariance) / expectedVariance).toBeLessThan(0.02)
  })

  it.each([
    [50, 0.3],
    [40, 0.95],
    [1_000_000, 0.4],
  ])("draws Binomial(%s, %s) with mean np and variance np(1−p)", (trials, p) => {
    const random = seededRandom(4, `${trials}`)
    const { mean, variance } = moments(() => binomial(random, trials, p), 50_000)
    const expectedVariance = trials * p * (1 - p)
    expect(Math.abs(mean - trials * p)).toBeLessThan(5 * Math.sqrt(expectedVariance / 50_000))
    expect(Math.abs(variance - expectedVariance) / expectedVariance).toBeLessThan(0.05)
  })

  it("keeps binomial draws in [0, n] at the edges", () => {
    const random = seededRandom(5)
    expect(binomial(random, 10, 0)).toBe(0)
    expect(binomial(random, 10, 1)).toBe(10)
    expect(binomial(random, 0, 0.5)).toBe(0)
  })
})
