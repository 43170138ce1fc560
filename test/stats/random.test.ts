import { describe, expect, it } from "@effect/vitest"
import { beta, gamma, gammaSampler, standardNormal } from "../../src/stats/distributions.js"
import { seededRandom, xoshiro128StarStar } from "../../src/stats/random.js"

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

  it("seeds from SHA-256 of the seed in decimal, a NUL and the label (checked with Python's hashlib)", () => {
    // hashlib.sha256(b"42\x00control").digest()[:16] as four little-endian words, through
    // xoshiro128** in Python: pinned, so the streams stay the same on every machine and release.
    const random = seededRandom(42, "control")
    expect(Array.from({ length: 4 }, random.nextUint32)).toEqual([
      3474093540, 3259936405, 2635782735, 3960017543,
    ])
  })

  it("gives the same stream for the same seed and stream label, another for another", () => {
    const draws = (seed: number | bigint, stream: string) => {
      const random = seededRandom(seed, stream)
      return Array.from({ length: 5 }, random.nextDouble)
    }
    expect(draws(42, "control")).toEqual(draws(42, "control"))
    expect(draws(42n, "control")).toEqual(draws(42, "control"))
    expect(draws(42, "control")).not.toEqual(draws(42, "treatment"))
    expect(draws(42, "control")).not.toEqual(draws(43, "control"))
    expect(draws(-1, "control")).not.toEqual(draws(2n ** 64n - 1n, "control"))
    for (const value of draws(7, "")) expect(value >= 0 && value < 1).toBe(true)
  })
})

/** The first two 32-bit outputs of a stream as one 64-bit key. */
const keyOf = (seed: number, stream: string): bigint => {
  const random = seededRandom(seed, stream)
  const high = random.nextUint32()
  return (BigInt(high) << 32n) | BigInt(random.nextUint32())
}

const popcount32 = (word: number): number => {
  let bits = word >>> 0
  let count = 0
  while (bits !== 0) {
    bits &= bits - 1
    count++
  }
  return count
}

describe("stream labels", () => {
  it('gives "run/Aa" and "run/BB" different streams (a base-31 polynomial made them equal)', () => {
    expect(keyOf(1, "run/Aa")).not.toBe(keyOf(1, "run/BB"))
    expect(keyOf(1, "Aa")).not.toBe(keyOf(1, "BB"))
  })

  it("gives 100,000 summary labels and every two-character ASCII label distinct streams", () => {
    const labels: string[] = []
    for (let index = 0; index < 100_000; index++) {
      labels.push(`slug/period/${index % 7}/enrollments/all/metric_${index % 13}/branch-${index}`)
    }
    for (let first = 0; first < 128; first++) {
      for (let second = 0; second < 128; second++) {
        labels.push(String.fromCharCode(first, second))
      }
    }
    // Labels that differ only where a polynomial hash could cancel, and the empty label.
    labels.push("", "a", "\0", "é", "e\u0301", "😀")
    expect(new Set(labels).size).toBe(labels.length)
    const keys = new Set(labels.map((label) => keyOf(2026, label)))
    expect(keys.size).toBe(labels.length)
  })

  it("changes about half of the output bits when one character of the label changes", () => {
    // Under full mixing each output bit flips with probability ½: the bits changed in a 32-bit
    // word are Binomial(32, ½), so their mean over 8,000 words has standard error √8 / √8000 ≈ 0.03.
    const pairs = 4000
    let changed = 0
    for (let pair = 0; pair < pairs; pair++) {
      const label = `experiment-${pair}/week/2/exposures/segment/metric/branch`
      const at = pair % label.length
      const code = label.charCodeAt(at) ^ (1 << (pair % 7))
      const flipped = `${label.slice(0, at)}${String.fromCharCode(code)}${label.slice(at + 1)}`
      const a = seededRandom(9, label)
      const b = seededRandom(9, flipped)
      changed += popcount32(a.nextUint32() ^ b.nextUint32())
      changed += popcount32(a.nextUint32() ^ b.nextUint32())
    }
    const meanPerWord = changed / (2 * pairs)
    expect(Math.abs(meanPerWord - 16)).toBeLessThan(0.5)
  })

  it("changes about half of the output bits when the seed changes by one", () => {
    const pairs = 4000
    let changed = 0
    for (let seed = 0; seed < pairs; seed++) {
      const a = seededRandom(seed, "control")
      const b = seededRandom(seed + 1, "control")
      changed += popcount32(a.nextUint32() ^ b.nextUint32())
    }
    expect(Math.abs(changed / pairs - 16)).toBeLessThan(0.5)
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

  it("draws Dirichlet weights (gammas over their total) with mean αᵢ/Σα, for shapes below, at and above 1", () => {
    const alphas = Float64Array.from([0.5, 1, 1, 2.5, 40])
    const draw = gammaSampler(alphas)
    const random = seededRandom(4)
    const sums = new Float64Array(alphas.length)
    const draws = 100_000
    for (let round = 0; round < draws; round++) {
      const gammas = alphas.map((_, index) => draw(random, index))
      const total = gammas.reduce((sum, value) => sum + value, 0)
      gammas.forEach((value, index) => {
        sums[index] = (sums[index] ?? 0) + value / total
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
})
