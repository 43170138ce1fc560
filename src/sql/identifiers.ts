/**
 * Names become SQL only through these: identifiers quoted (BigQuery backticks; the DuckDB
 * warehouse rewrites them), string literals escaped, and experiment slugs checked, so a
 * hostile name cannot end a literal or an identifier.
 */
export const identifier = (name: string): string => `\`${name.replaceAll("`", "")}\``

export const stringLiteral = (text: string): string =>
  `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`

export const dateLiteral = (date: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a date: ${date}`)
  return `DATE '${date}'`
}
