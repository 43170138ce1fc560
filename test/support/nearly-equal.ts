import { expect } from "@effect/vitest"

/**
 * DuckDB sums floats in parallel, in no fixed order: sums, and what is computed from them,
 * can differ in their last bits between runs, p-values (tail areas) a little more. Rounding
 * both sides to a number of digits does not hide that reliably — two values 1e-15 apart can
 * round apart — so numbers are compared within a relative tolerance instead: 1e-7 is far
 * above summing noise and far below what a shifted random stream changes (the third digit).
 */
const relativeTolerance = 1e-7

/** `expected` with each finite non-zero number replaced by a matcher within the tolerance. */
const nearly = (expected: unknown): unknown => {
  if (typeof expected === "number") {
    if (!Number.isFinite(expected) || expected === 0) return expected
    // closeTo(v, d) accepts |x − v| < 10^(−d) / 2.
    return expect.closeTo(expected, -Math.log10(2 * relativeTolerance * Math.abs(expected)))
  }
  if (Array.isArray(expected)) return expected.map(nearly)
  if (typeof expected === "object" && expected !== null) {
    return Object.fromEntries(Object.entries(expected).map(([key, value]) => [key, nearly(value)]))
  }
  return expected
}

/** Deep equality with numbers equal within a relative 1e-7 (see above). */
export const expectNearlyEqual = (actual: unknown, expected: unknown): void => {
  expect(actual).toEqual(nearly(expected))
}

/**
 * Rows in an order that summing noise cannot change: by their text with every number rounded
 * to 4 significant digits (rows that agree that far are ordered by their exact text after).
 */
export const sortedRows = <Row extends Record<string, unknown>>(
  rows: ReadonlyArray<Row>,
): ReadonlyArray<Row> => {
  const coarse = (row: Row) =>
    JSON.stringify(row, (_key, value: unknown) =>
      typeof value === "number" ? Number(value.toPrecision(4)) : value,
    )
  return [...rows].sort(
    (a, b) =>
      coarse(a).localeCompare(coarse(b)) || JSON.stringify(a).localeCompare(JSON.stringify(b)),
  )
}
