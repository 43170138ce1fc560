/**
 * Splits BigQuery SQL into code and literals, so that rewrites touch code only: string
 * literals ('...', "...", triple-quoted too), backtick identifiers, and comments are set aside
 * and stand in the code as numbered placeholders. A string's text is its value: GoogleSQL's
 * escapes (`\n`, `\'`, `\\`, `\x41`, `\u00e9`, ...) are decoded, except in raw strings
 * (`r'...'`), whose backslashes are characters.
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

const simpleEscapes: Readonly<Record<string, string>> = {
  a: "\u0007",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "?": "?",
  "'": "'",
  '"': '"',
  "`": "`",
}

const escapeSequence =
  /\\(?:([abfnrtv\\?'"`])|[xX]([0-9a-fA-F]{2})|([0-7]{3})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/g

/** A quoted string's value; an escape GoogleSQL does not define is kept as written. */
const decodeEscapes = (body: string): string =>
  body.includes("\\")
    ? body.replace(
        escapeSequence,
        (
          match: string,
          simple: string | undefined,
          hex: string | undefined,
          octal: string | undefined,
          short: string | undefined,
          long: string | undefined,
        ) => {
          if (simple !== undefined) return simpleEscapes[simple] ?? match
          if (hex !== undefined) return String.fromCharCode(Number.parseInt(hex, 16))
          if (octal !== undefined) return String.fromCharCode(Number.parseInt(octal, 8))
          if (short !== undefined) return String.fromCharCode(Number.parseInt(short, 16))
          const point = Number.parseInt(long ?? "", 16)
          return point <= 0x10ffff ? String.fromCodePoint(point) : match
        },
      )
    : body

const escapeRegExp = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")

/** The body of a literal opened by `delimiter` (a backslash escapes the next character). */
const bodyPatterns = new Map<string, RegExp>()
const bodyPattern = (delimiter: string): RegExp => {
  const known = bodyPatterns.get(delimiter)
  if (known !== undefined) return known
  const quote = escapeRegExp(delimiter.charAt(0))
  const ordinary =
    delimiter.length === 1
      ? `[^${quote}\\\\]+`
      : `[^${quote}\\\\]+|${quote}(?!${escapeRegExp(delimiter.slice(1))})`
  const pattern =
    delimiter === "`"
      ? /([^`]*)`/y
      : new RegExp(`((?:${ordinary}|\\\\[\\s\\S])*)${escapeRegExp(delimiter)}`, "y")
  bodyPatterns.set(delimiter, pattern)
  return pattern
}

/** Reads a quoted run starting at `start` (the opening quote); returns its text and end. */
const readQuoted = (
  sql: string,
  start: number,
  quote: string,
  raw: boolean,
): { text: string; end: number } => {
  const triple = sql[start + 1] === quote && sql[start + 2] === quote
  const delimiter = triple ? quote.repeat(3) : quote
  const pattern = bodyPattern(delimiter)
  pattern.lastIndex = start + delimiter.length
  const match = pattern.exec(sql)
  // Unclosed: the rest of the statement is the literal (the engine will say so).
  const body = match === null ? sql.slice(start + delimiter.length) : (match[1] ?? "")
  const end = match === null ? sql.length : pattern.lastIndex
  return { text: raw || quote === "`" ? body : decodeEscapes(body), end }
}

/** `r`, `rb` or `br` right before a quote, standing alone: a raw string's prefix. */
const rawPrefix = /(?:^|[^\w'"`])(?:[rR][bB]?|[bB][rR])$/

/** Where the next literal or comment may start. */
const literalStart = /['"`#]|--|\/\*/g

export const scanBigQuerySql = (sql: string): ScannedSql => {
  const literals: Literal[] = []
  let code = ""
  let index = 0
  const starts = new RegExp(literalStart)
  while (index < sql.length) {
    starts.lastIndex = index
    const next = starts.exec(sql)
    const stop = next === null ? sql.length : next.index
    code += sql.slice(index, stop)
    index = stop
    if (next === null) break
    const char = next[0]
    if (char === "'" || char === '"' || char === "`") {
      const raw =
        char !== "`" &&
        /[rRbB]/.test(sql[index - 1] ?? "") &&
        rawPrefix.test(sql.slice(Math.max(0, index - 3), index))
      const { text, end } = readQuoted(sql, index, char, raw)
      literals.push(char === "`" ? { kind: "identifier", text } : { kind: "string", text })
      code += placeholder(literals.length - 1)
      index = end
    } else if (char === "--" || char === "#") {
      const end = sql.indexOf("\n", index)
      const stop = end < 0 ? sql.length : end
      literals.push({ kind: "comment", text: sql.slice(index, stop) })
      code += placeholder(literals.length - 1)
      index = stop
    } else {
      const end = sql.indexOf("*/", index + 2)
      const stop = end < 0 ? sql.length : end + 2
      literals.push({ kind: "comment", text: sql.slice(index, stop) })
      code += placeholder(literals.length - 1)
      index = stop
    }
  }
  return { code, literals }
}

const openParenthesis = "(".charCodeAt(0)
const closeParenthesis = ")".charCodeAt(0)
const comma = ",".charCodeAt(0)

/** Puts literals back into code, each written by `write`. */
export const restoreLiterals = (
  code: string,
  literals: ReadonlyArray<Literal>,
  write: (literal: Literal) => string,
): string => {
  // A loop over the placeholders rather than a regular expression: a thousand-row statement
  // has tens of thousands of them.
  const parts: string[] = []
  let from = 0
  for (let open = code.indexOf("\uE000"); open >= 0; open = code.indexOf("\uE000", from)) {
    const close = code.indexOf("\uE001", open)
    const index = close < 0 ? Number.NaN : Number(code.slice(open + 1, close))
    const literal = Number.isInteger(index) ? literals[index] : undefined
    if (literal === undefined || close < 0) {
      parts.push(code.slice(from, open + 1))
      from = open + 1
      continue
    }
    parts.push(code.slice(from, open), write(literal))
    from = close + 1
  }
  parts.push(code.slice(from))
  return parts.join("")
}

/** The arguments of the call whose "(" is at `open`, split at top-level commas, and the index after ")". */
export const callArguments = (
  code: string,
  open: number,
): { readonly arguments: ReadonlyArray<string>; readonly end: number } | undefined => {
  let depth = 0
  let from = open + 1
  const parts: string[] = []
  for (let index = open; index < code.length; index++) {
    const char = code.charCodeAt(index)
    if (char === openParenthesis) {
      depth++
    } else if (char === closeParenthesis) {
      depth--
      if (depth === 0) {
        parts.push(code.slice(from, index).trim())
        return { arguments: parts, end: index + 1 }
      }
    } else if (char === comma && depth === 1) {
      parts.push(code.slice(from, index).trim())
      from = index + 1
    }
  }
  return undefined
}
