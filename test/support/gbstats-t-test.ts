import { expect } from "@effect/vitest"
import type { TEstimate } from "../../src/stats/t-test.js"

/*
 * gbstats' own expectations: growthbook/growthbook, packages/stats/tests/frequentist/test_tests.py
 * (commit 8f1db4456915a8e7b7faf23d5632ca7219d2f469, August 2026). Its control (stat_a) and
 * treatment (stat_b) are SampleMeanStatistic(sum, sum_squares, n):
 */
export const control = { n: 3407, sumY: 1396.87, sumY2: 52377.9767 }
export const treatment = { n: 3461, sumY: 2422.7, sumY2: 134698.29 }
/** TestOneSided*TTest's and TestSequentialTTest's control: the same sums over 3000 clients. */
export const control3000 = { ...control, n: 3000 }

/** gbstats rounds to 5 decimals (DECIMALS = 5): equal to within half of the last digit. */
export const expectGbstats = (
  actual: TEstimate | undefined,
  expected: { point: number; ci: readonly [number, number]; stddev: number; pValue: number },
  digits = 5,
) => {
  expect(actual?.point).toBeCloseTo(expected.point, digits)
  expect(actual?.lower).toBeCloseTo(expected.ci[0], digits)
  expect(actual?.upper).toBeCloseTo(expected.ci[1], digits)
  expect(actual?.standardError).toBeCloseTo(expected.stddev, digits)
  expect(actual?.pValue).toBeCloseTo(expected.pValue, digits)
}
