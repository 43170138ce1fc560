/**
 * Names become SQL only through these: identifiers quoted (BigQuery backticks; the DuckDB
 * warehouse rewrites them), string literals escaped, and experiment slugs checked, so a
 * hostile name cannot end a literal or an identifier.
 */
export const identifier = (name: string): string => `\`${name.replaceAll("`", "")}\``

const namedEscapes: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "'": "\\'",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
}

/**
 * A GoogleSQL string literal: quotes and backslashes escaped, and control characters too, as
 * a quoted string may not hold a raw newline ("Unclosed string literal").
 */
export const stringLiteral = (text: string): string =>
  `'${text.replace(
    /[\\'\p{Cc}]/gu,
    (char) => namedEscapes[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  )}'`

export const dateLiteral = (date: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a date: ${date}`)
  return `DATE '${date}'`
}
