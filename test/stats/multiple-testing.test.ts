import { describe, expect, it } from "vitest"
import type { StatisticResult } from "../../src/domain/statistic-result.js"
import {
  benjaminiHochbergAdjusted,
  holmAdjusted,
  withAdjustedPValues,
} from "../../src/stats/multiple-testing.js"
import { statisticRow } from "../support/statistic-row.js"

/**
 * The 15 p-values of Benjamini & Hochberg (1995), section 4.2 (a trial's 15 endpoints):
 * at level 0.05 their procedure rejects the four smallest, Holm's the three smallest.
 */
const benjaminiHochbergExample = [
  0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719,
  0.6528, 0.759, 1.0,
]

const expectCloseTo = (actual: ReadonlyArray<number>, expected: ReadonlyArray<number>) => {
  expect(actual).toHaveLength(expected.length)
  actual.forEach((value, index) => {
    expect(value).toBeCloseTo(expected[index] ?? Number.NaN, 12)
  })
}

describe("adjusted p-values", () => {
  it("Benjamini–Hochberg: min over j ≥ i of m·p₍ⱼ₎/j, and the paper's four rejections", () => {
    const adjusted = benjaminiHochbergAdjusted(benjaminiHochbergExample)
    // By hand: m·p/rank, then the running minimum from the largest p down.
    expectCloseTo(adjusted, [
      0.0015,
      0.003,
      0.0095,
      0.035625,
      0.0603,
      0.0298 * (15 / 7),
      0.0298 * (15 / 7),
      0.0645,
      0.0765,
      0.486,
      0.4262 * (15 / 11),
      0.714875,
      0.6528 * (15 / 13),
      0.759 * (15 / 14),
      1,
    ])
    expect(adjusted.filter((value) => value <= 0.05)).toHaveLength(4)
  })

  it("Holm: running max of (m − i + 1)·p₍ᵢ₎, capped at 1; three rejections in the example", () => {
    const adjusted = holmAdjusted(benjaminiHochbergExample)
    expect(adjusted.slice(0, 5)).toEqual([
      15 * 0.0001,
      14 * 0.0004,
      13 * 0.0019,
      12 * 0.0095,
      11 * 0.0201,
    ])
    // 10·0.0278 = 0.278; then 9·0.0298 = 0.2682 and 8·0.0344 = 0.2752 are below it, so the
    // running maximum keeps 0.278; 7·0.0459 = 0.3213; from 6·0.324 on, capped at 1.
    expectCloseTo(adjusted.slice(5, 9), [0.278, 0.278, 0.278, 0.3213])
    expect(adjusted.slice(9)).toEqual([1, 1, 1, 1, 1, 1])
    expect(adjusted.filter((value) => value <= 0.05)).toHaveLength(3)
  })

  it("order of input does not matter; ties keep one value; one test is its own p-value", () => {
    const shuffled = [0.04, 0.01, 0.03, 0.02]
    expectCloseTo(holmAdjusted(shuffled), [0.06, 0.04, 0.06, 0.06])
    expectCloseTo(benjaminiHochbergAdjusted(shuffled), [0.04, 0.04, 0.04, 0.04])
    expect(benjaminiHochbergAdjusted([0.02, 0.02])).toEqual([0.02, 0.02])
    expect(holmAdjusted([0.3])).toEqual([0.3])
    expect(holmAdjusted([])).toEqual([])
  })
})

const comparison = (
  metric: string,
  branch: string,
  pValue: number,
  overrides: Partial<StatisticResult> = {},
): StatisticResult =>
  statisticRow({
    metric,
    statistic: "t_test",
    branch,
    comparison: "difference",
    comparison_to_branch: "control",
    point: 1,
    lower: 0,
    upper: 2,
    p_value: pValue,
    ...overrides,
  })

describe("withAdjustedPValues", () => {
  const rows = [
    comparison("active_hours", "treatment-a", 0.01),
    comparison("active_hours", "treatment-b", 0.04),
    comparison("retained", "treatment-a", 0.03),
    comparison("retained", "treatment-b", 0.02),
    // Not in that family: another comparison kind, segment, reference or statistic.
    comparison("active_hours", "treatment-a", 0.01, { comparison: "relative_uplift" }),
    comparison("active_hours", "treatment-a", 0.01, { segment: "new_users" }),
    comparison("active_hours", "control", 0.01, { comparison_to_branch: "treatment-a" }),
    comparison("active_hours", "treatment-a", 0.01, { statistic: "mean_lm" }),
    // No p-value, or a branch's own row: left as it is.
    comparison("active_hours", "treatment-a", Number.NaN, { statistic: "mean" }),
    statisticRow({ metric: "active_hours", branch: "control", point: 3 }),
  ]

  it("Holm over metrics and branches against the reference, per segment, basis, window, comparison and statistic", () => {
    const adjusted = withAdjustedPValues(rows, "holm", "control")
    expectCloseTo(
      adjusted.slice(0, 4).map((row) => row.p_value_adjusted ?? Number.NaN),
      [0.04, 0.06, 0.06, 0.06],
    )
    // Families of one: the p-value itself.
    expect(adjusted.slice(4, 6).map((row) => row.p_value_adjusted)).toEqual([0.01, 0.01])
    expect(adjusted[7]?.p_value_adjusted).toBe(0.01)
    expect(adjusted[6]).not.toHaveProperty("p_value_adjusted")
    expect(adjusted[8]).not.toHaveProperty("p_value_adjusted")
    expect(adjusted[9]).toEqual(rows[9])
    expect(adjusted.map(({ p_value_adjusted: _, ...row }) => row)).toEqual(rows)
  })

  it("Benjamini–Hochberg over the same family; none removes an earlier adjustment", () => {
    const adjusted = withAdjustedPValues(rows, "benjamini_hochberg", "control")
    expectCloseTo(
      adjusted.slice(0, 4).map((row) => row.p_value_adjusted ?? Number.NaN),
      [0.04, 0.04, 0.04, 0.04],
    )
    const unadjusted = withAdjustedPValues(adjusted, "none", "control")
    expect(unadjusted).toEqual(rows)
  })
})
