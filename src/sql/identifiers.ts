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

/**
 * A DATE literal. Total: the text is escaped as any string literal, so a value that is not a
 * date cannot become SQL of its own, and the engine refuses it as a date (a failure of the
 * statement that holds it, never a throw here). Builders that take dates from outside check
 * them first (buildEnrollmentsQuery: a SqlBuildError).
 */
export const dateLiteral = (date: string): string => `DATE ${stringLiteral(date)}`
