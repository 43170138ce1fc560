/** `key=value` text as TOML would type it: numbers and booleans, else strings. */
export const typedValue = (text: string): string | number | boolean =>
  text === "true"
    ? true
    : text === "false"
      ? false
      : text.trim() !== "" && Number.isFinite(Number(text))
        ? Number(text)
        : text

/**
 * `--param` flags as the TOML table of a statistic's parameters: `a.b=value` becomes
 * { a: { b: value } }, as a TOML dotted key would.
 */
export const parameterTable = (pairs: ReadonlyArray<string>): Record<string, unknown> => {
  const table: Record<string, unknown> = {}
  for (const pair of pairs) {
    const separator = pair.indexOf("=")
    const key = separator < 0 ? pair : pair.slice(0, separator)
    const value = separator < 0 ? "" : pair.slice(separator + 1)
    const [head = "", ...rest] = key.split(".")
    if (rest.length === 0) {
      table[head] = typedValue(value)
    } else {
      const nested = table[head]
      const inner: Record<string, unknown> =
        typeof nested === "object" && nested !== null ? { ...nested } : {}
      inner[rest.join(".")] = typedValue(value)
      table[head] = inner
    }
  }
  return table
}
