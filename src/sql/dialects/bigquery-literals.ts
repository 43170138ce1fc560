/**
 * Splits BigQuery SQL into code and literals, so that rewrites touch code only: string
 * literals ('...', "...", with backslash escapes; triple-quoted too), backtick identifiers,
 * and comments are set aside and stand in the code as numbered placeholders.
 */
export interface ScannedSql {
  /** The SQL with every literal replaced by `\uE000<index>\uE001` (private-use characters). */
  readonly code: string
  readonly literals: ReadonlyArray<Literal>
}

export type Literal =
  | { readonly kind: "string"; readonly text: string }
  | { readonly kind: "identifier"; readonly text: string }
  | { readonly kind: "comment"; readonly text: string }

const placeholder = (index: number): string => `\uE000${index}\uE001`

/** Reads a quoted run starting at `start` (the opening quote); returns its content and end. */
const readQuoted = (sql: string, start: number, quote: string): { text: string; end: number } => {
  const triple = sql.startsWith(quote.repeat(3), start)
  const delimiter = triple ? quote.repeat(3) : quote
  let index = start + delimiter.length
  let text = ""
  while (index < sql.length && !sql.startsWith(delimiter, index)) {
    const char = sql[index] ?? ""
    if (char === "\\" && quote !== "`" && index + 1 < sql.length) {
      const next = sql[index + 1] ?? ""
      text += next === "'" || next === '"' || next === "\\" || next === "`" ? next : `\\${next}`
      index += 2
      continue
    }
    text += char
    index++
  }
  return { text, end: Math.min(sql.length, index + delimiter.length) }
}

export const scanBigQuerySql = (sql: string): ScannedSql => {
  const literals: Literal[] = []
  let code = ""
  let index = 0
  while (index < sql.length) {
    const char = sql[index] ?? ""
    if (char === "'" || char === '"' || char === "`") {
      const { text, end } = readQuoted(sql, index, char)
      literals.push(char === "`" ? { kind: "identifier", text } : { kind: "string", text })
      code += placeholder(literals.length - 1)
      index = end
    } else if (sql.startsWith("--", index) || char === "#") {
      const end = sql.indexOf("\n", index)
      const stop = end < 0 ? sql.length : end
      literals.push({ kind: "comment", text: sql.slice(index, stop) })
      code += placeholder(literals.length - 1)
      index = stop
    } else if (sql.startsWith("/*", index)) {
      const end = sql.indexOf("*/", index + 2)
      const stop = end < 0 ? sql.length : end + 2
      literals.push({ kind: "comment", text: sql.slice(index, stop) })
      code += placeholder(literals.length - 1)
      index = stop
    } else {
      code += char
      index++
    }
  }
  return { code, literals }
}

/** Puts literals back into code, each written by `write`. */
export const restoreLiterals = (
  code: string,
  literals: ReadonlyArray<Literal>,
  write: (literal: Literal) => string,
): string =>
  code.replace(/\uE000(\d+)\uE001/g, (match, index: string) => {
    const literal = literals[Number(index)]
    return literal === undefined ? match : write(literal)
  })

/** The arguments of the call whose "(" is at `open`, split at top-level commas, and the index after ")". */
export const callArguments = (
  code: string,
  open: number,
): { readonly arguments: ReadonlyArray<string>; readonly end: number } | undefined => {
  let depth = 0
  let current = ""
  const parts: string[] = []
  for (let index = open; index < code.length; index++) {
    const char = code[index] ?? ""
    if (char === "(") {
      depth++
      if (depth === 1) continue
    } else if (char === ")") {
      depth--
      if (depth === 0) {
        parts.push(current.trim())
        return { arguments: parts, end: index + 1 }
      }
    } else if (char === "," && depth === 1) {
      parts.push(current.trim())
      current = ""
      continue
    }
    current += char
  }
  return undefined
}
