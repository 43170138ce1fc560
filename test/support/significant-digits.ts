/**
 * DuckDB sums floats in parallel, in no fixed order: sums (and what is computed from them)
 * can differ in their last bits between runs, p-values (tail areas) a little more. Nine
 * significant digits are reproducible; a shifted random stream would change the third.
 */
export const significantDigits = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key,
      typeof value === "number" ? Number(value.toPrecision(9)) : value,
    ]),
  )
