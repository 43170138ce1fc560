import { describe, expect, it } from "@effect/vitest"
import { standardNormal } from "../../src/stats/distributions.js"
import { populationRatio, ratioDataOf, ratioSamples } from "../../src/stats/population-ratio.js"
import { seededRandom } from "../../src/stats/random.js"

const stats = (values: Float64Array) => {
  const mean = values.reduce((total, value) => total + value, 0) / values.length
  const variance = values.reduce((total, value) => total + (value - mean) ** 2, 0) / values.length
  return { mean, sd: Math.sqrt(variance) }
}

/** Clicks out of searches: searches 0..9, each search clicked with probability `rate`. */
const clicksAndSearches = (clients: number, rate: number, seed: number) => {
  const random = seededRandom(seed)
  const searches = Float64Array.from({ length: clients }, () =>
    Math.floor(random.nextDouble() * 10),
  )
  const clicks = searches.map((count) => {
    let clicked = 0
    for (let index = 0; index < count; index++) if (random.nextDouble() < rate) clicked++
    return clicked
  })
  return { clicks, searches }
}

/** Delta-method standard error of Σx/Σy (Deng et al., "Applying the delta method in metric analytics", 2018). */
const deltaMethodError = (x: Float64Array, y: Float64Array) => {
  const n = x.length
  const mx = stats(x).mean
  const my = stats(y).mean
  let vx = 0
  let vy = 0
  let cxy = 0
  for (let index = 0; index < n; index++) {
    vx += ((x[index] ?? 0) - mx) ** 2 / n
    vy += ((y[index] ?? 0) - my) ** 2 / n
    cxy += (((x[index] ?? 0) - mx) * ((y[index] ?? 0) - my)) / n
  }
  return Math.sqrt((vx / my ** 2 - (2 * mx * cxy) / my ** 3 + (mx ** 2 * vy) / my ** 4) / n)
}

describe("population_ratio", () => {
  it("bootstraps Σclicks/Σsearches with the delta method's spread, on exact pairs and on sums", () => {
    const { clicks, searches } = clicksAndSearches(20_000, 0.3, 1)
    const pairs = ratioDataOf(clicks, searches)
    const sums = ratioDataOf(clicks, searches, 5)
    expect(pairs.kind).toBe("pairs")
    expect(sums.kind).toBe("sums")
    const ratio = clicks.reduce((a, b) => a + b, 0) / searches.reduce((a, b) => a + b, 0)
    const expected = deltaMethodError(clicks, searches)
    for (const data of [pairs, sums]) {
      const drawn = stats(ratioSamples(data, 8000, seededRandom(2)))
      expect(Math.abs(drawn.mean - ratio)).toBeLessThan((5 * expected) / Math.sqrt(8000) + 1e-6)
      expect(Math.abs(drawn.sd / expected - 1)).toBeLessThan(0.04)
    }
  })

  it("finds an injected change of the rate between branches", () => {
    const control = clicksAndSearches(10_000, 0.3, 3)
    const treatment = clicksAndSearches(10_000, 0.33, 4)
    const { rows } = populationRatio(
      new Map([
        ["control", ratioDataOf(control.clicks, control.searches)],
        ["treatment", ratioDataOf(treatment.clicks, treatment.searches)],
      ]),
      { numSamples: 4000, confidence: 0.95 },
      (branch) => seededRandom(5, branch),
    )
    const uplift = rows.find(
      (row) => row.branch === "treatment" && row.comparison === "relative_uplift",
    )
    expect(uplift?.lower).toBeGreaterThan(0.05)
    expect(uplift?.upper).toBeLessThan(0.15)
  })

  it("leaves out a branch whose denominator is always 0", () => {
    const zeros = new Float64Array(10)
    const { rows, warnings } = populationRatio(
      new Map([["b", ratioDataOf(zeros, zeros)]]),
      { numSamples: 10, confidence: 0.95 },
      (branch) => seededRandom(1, branch),
    )
    expect(rows).toEqual([])
    expect(warnings).toEqual([
      "branch b: the denominator is 0 for every client, so there is no ratio: left out",
    ])
  })

  it("handles continuous values through the normal limit", () => {
    const random = seededRandom(9)
    const x = Float64Array.from({ length: 5000 }, () => 10 + standardNormal(random))
    const y = Float64Array.from({ length: 5000 }, () => 20 + standardNormal(random))
    const drawn = stats(ratioSamples(ratioDataOf(x, y), 4000, seededRandom(3)))
    expect(drawn.mean).toBeCloseTo(0.5, 2)
    expect(Math.abs(drawn.sd / deltaMethodError(x, y) - 1)).toBeLessThan(0.05)
  })
})
