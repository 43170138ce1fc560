/**
 * Numbers as a person reads them: 3–4 significant digits, exact integers with thousands
 * separators, scientific notation only for the very small and very large. The exact values
 * go to data attributes (see `rawNumber`), so nothing is lost by rounding here. Always
 * "en-US", so that a report reads the same wherever it was generated.
 */

const significant = {
  3: new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 }),
  4: new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 }),
} as const
const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 })

/** The placeholder for a value that is missing (a null point or bound). */
export const missing = "—"

const scientific = (value: number): string => {
  const [mantissa = "", exponent = ""] = value.toExponential(2).split("e")
  const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa
  return `${trimmed}e${exponent.replace(/^\+/, "")}`
}

/**
 * A number for reading: null → "—", 12345 → "12,345", 0.123456 → "0.1235", 1.5e-7 →
 * "1.5e-7". `digits` is the number of significant digits of a non-integer.
 */
export const formatNumber = (value: number | null | undefined, digits: 3 | 4 = 4): string => {
  if (value === null || value === undefined) return missing
  if (Number.isNaN(value)) return "NaN"
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞"
  if (value === 0) return "0"
  const magnitude = Math.abs(value)
  if (Number.isInteger(value) && magnitude < 1e12) return integer.format(value)
  if (magnitude < 1e-4 || magnitude >= 1e12) return scientific(value)
  return significant[digits].format(value)
}

/** A difference, which reads better with its sign: "+0.012", "−3.1", "0". */
export const formatSigned = (value: number | null | undefined, digits: 3 | 4 = 4): string => {
  const text = formatNumber(value, digits)
  if (value === null || value === undefined || Number.isNaN(value)) return text
  if (value > 0) return `+${text}`
  return text.replace(/^-/, "−")
}

/**
 * A relative uplift (a fraction: 0.05 is 5%) as a signed percentage with 3 significant
 * digits, enough for an uplift: "+5%", "−0.123%", "+13.5%".
 */
export const formatPercent = (value: number | null | undefined): string => {
  if (value === null || value === undefined || !Number.isFinite(value)) return formatSigned(value)
  return `${formatSigned(value * 100, 3)}%`
}

/** The value of a data attribute: exactly what the row holds (String(number)), "" for null. */
export const rawNumber = (value: number | null | undefined): string =>
  value === null || value === undefined ? "" : String(value)

// Cut, not rounded: a shown p-value is below a level exactly when the p-value is, so 0.04996
// reads "0.0499" beside a "significant" mark, never "0.05".
const pDigits = new Intl.NumberFormat("en-US", {
  maximumSignificantDigits: 3,
  roundingMode: "trunc",
})

/** A p-value: 3 significant digits cut short, "< 0.0001" below that: "0.0123", "1". */
export const formatPValue = (value: number | null | undefined): string => {
  if (value === null || value === undefined || !Number.isFinite(value)) return formatNumber(value)
  return value < 1e-4 ? "< 0.0001" : pDigits.format(value)
}

/**
 * A probability (a fraction) as a percentage with one decimal: "97.3%", "50.0%"; past the
 * last decimal, "> 99.9%" and "< 0.1%" rather than a certainty the estimate does not have.
 */
export const formatProbability = (value: number | null | undefined): string => {
  if (value === null || value === undefined || !Number.isFinite(value)) return formatNumber(value)
  const tenths = Math.round(value * 1000)
  if (tenths >= 1000) return "> 99.9%"
  if (tenths <= 0) return "< 0.1%"
  return `${(tenths / 10).toFixed(1)}%`
}
