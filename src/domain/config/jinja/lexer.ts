import { syntaxError } from "./errors.js"

/**
 * Jinja's lexer with its default settings (the environment metric-config-parser builds:
 * `{{ }}`, `{% %}`, `{# #}`, no line statements, trim_blocks and lstrip_blocks off,
 * keep_trailing_newline off). Whitespace control (`{{-`, `-%}`) and `{% raw %}` as Jinja.
 * Inside a tag, a closing `}}` or `%}` ends it only when no bracket is open, so dict literals
 * and strings that contain `}}` read as Jinja reads them.
 */

export type Token =
  | { readonly type: "data"; readonly value: string; readonly line: number }
  | { readonly type: "variable_begin" | "block_begin"; readonly line: number }
  | { readonly type: "variable_end" | "block_end"; readonly line: number }
  | { readonly type: "name"; readonly value: string; readonly line: number }
  | { readonly type: "string"; readonly value: string; readonly line: number }
  | { readonly type: "integer"; readonly value: number; readonly line: number }
  | { readonly type: "float"; readonly value: number; readonly line: number }
  | { readonly type: "operator"; readonly value: string; readonly line: number }

const operators = [
  "//",
  "**",
  "==",
  "!=",
  ">=",
  "<=",
  "+",
  "-",
  "/",
  "*",
  "%",
  "~",
  "[",
  "]",
  "(",
  ")",
  "{",
  "}",
  ">",
  "<",
  "=",
  ".",
  ":",
  "|",
  ",",
  ";",
]
const closing: Readonly<Record<string, string>> = { "(": ")", "[": "]", "{": "}" }

const namePattern = /[A-Za-z_][A-Za-z0-9_]*/y
const floatPattern =
  /\d+(?:_\d+)*(?:\.\d+(?:_\d+)*(?:[eE][+-]?\d+(?:_\d+)*)?|[eE][+-]?\d+(?:_\d+)*)/y
const integerPattern = /\d+(?:_\d+)*/y
const stringPattern = /'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"/sy
const whitespacePattern = /\s+/y

/** Python's backslash escapes in a string literal (Jinja decodes them the same way). */
const decodeEscapes = (raw: string, line: number): string =>
  raw.replace(
    /\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{1,3}|[\s\S])/g,
    (_match, sequence: string) => {
      switch (sequence[0]) {
        case "n":
          return "\n"
        case "t":
          return "\t"
        case "r":
          return "\r"
        case "a":
          return "\u0007"
        case "b":
          return "\b"
        case "f":
          return "\f"
        case "v":
          return "\v"
        case "\n":
          return ""
        case "u":
        case "x":
          return String.fromCharCode(Number.parseInt(sequence.slice(1), 16))
        default:
          if (/^[0-7]+$/.test(sequence)) return String.fromCharCode(Number.parseInt(sequence, 8))
          if (sequence === "\\" || sequence === "'" || sequence === '"') return sequence
          if (sequence === undefined) throw syntaxError("bad sequence in a string literal", line)
          return `\\${sequence}`
      }
    },
  )

const matchAt = (pattern: RegExp, text: string, at: number): string | undefined => {
  pattern.lastIndex = at
  return pattern.exec(text)?.[0]
}

const linesIn = (text: string): number => text.split("\n").length - 1

interface State {
  readonly source: string
  position: number
  line: number
  /** Strip the whitespace that starts the next data, after a `-%}`. */
  stripNext: boolean
  readonly tokens: Token[]
}

const pushData = (state: State, text: string, stripEnd: boolean) => {
  let value = state.stripNext ? text.replace(/^\s+/, "") : text
  if (stripEnd) value = value.replace(/\s+$/, "")
  if (value.length > 0) state.tokens.push({ type: "data", value, line: state.line })
  state.line += linesIn(text)
  state.stripNext = false
}

/** The tokens of one `{{ ... }}` or `{% ... %}`, through its end delimiter. */
const lexTag = (state: State, end: "}}" | "%}", endType: "variable_end" | "block_end") => {
  const { source } = state
  const balancing: string[] = []
  while (state.position < source.length) {
    const at = state.position
    const space = matchAt(whitespacePattern, source, at)
    if (space !== undefined) {
      state.line += linesIn(space)
      state.position += space.length
      continue
    }
    if (balancing.length === 0) {
      const stripped = source.startsWith(`-${end}`, at)
      if (stripped || source.startsWith(end, at)) {
        state.tokens.push({ type: endType, line: state.line })
        state.position = at + end.length + (stripped ? 1 : 0)
        state.stripNext = stripped
        return
      }
    }
    const float = matchAt(floatPattern, source, at)
    if (float !== undefined) {
      state.tokens.push({
        type: "float",
        value: Number(float.replaceAll("_", "")),
        line: state.line,
      })
      state.position += float.length
      continue
    }
    const integer = matchAt(integerPattern, source, at)
    if (integer !== undefined) {
      const value = Number(integer.replaceAll("_", ""))
      state.tokens.push({ type: "integer", value, line: state.line })
      state.position += integer.length
      continue
    }
    const name = matchAt(namePattern, source, at)
    if (name !== undefined) {
      state.tokens.push({ type: "name", value: name, line: state.line })
      state.position += name.length
      continue
    }
    stringPattern.lastIndex = at
    const string = stringPattern.exec(source)
    if (string !== null) {
      const raw = string[1] ?? string[2] ?? ""
      state.tokens.push({ type: "string", value: decodeEscapes(raw, state.line), line: state.line })
      state.line += linesIn(string[0])
      state.position += string[0].length
      continue
    }
    const operator = operators.find((candidate) => source.startsWith(candidate, at))
    if (operator === undefined) {
      if (source[at] === '"' || source[at] === "'") {
        throw syntaxError("unexpected end of string", state.line)
      }
      throw syntaxError(`unexpected char ${JSON.stringify(source[at])} at ${at}`, state.line)
    }
    const opening = closing[operator]
    if (opening !== undefined) balancing.push(opening)
    else if (operator === ")" || operator === "]" || operator === "}") {
      const expected = balancing.pop()
      if (expected !== operator) {
        throw syntaxError(
          expected === undefined
            ? `unexpected '${operator}'`
            : `unexpected '${operator}', expected '${expected}'`,
          state.line,
        )
      }
    }
    state.tokens.push({ type: "operator", value: operator, line: state.line })
    state.position += operator.length
  }
  throw syntaxError(
    `unexpected end of template, expected '${end}'${balancing.length > 0 ? `, '${balancing.at(-1)}' is still open` : ""}`,
    state.line,
  )
}

/** `{% raw %}...{% endraw %}`: the text between, verbatim. */
const rawBlock = /\{%([-+]?)\s*raw\s*(-?)%\}/y
const endRaw = /\{%([-+]?)\s*endraw\s*(-?)%\}/g

export const tokenize = (template: string): ReadonlyArray<Token> => {
  // keep_trailing_newline=False and newline_sequence="\n", as Jinja's defaults.
  const source = template.replace(/\r\n?/g, "\n").replace(/\n$/, "")
  const state: State = { source, position: 0, line: 1, stripNext: false, tokens: [] }
  while (state.position < source.length) {
    const next = source.slice(state.position).search(/\{[{%#]/)
    if (next === -1) {
      pushData(state, source.slice(state.position), false)
      break
    }
    const at = state.position + next
    const stripBefore = source[at + 2] === "-"
    const raw = (() => {
      rawBlock.lastIndex = at
      return rawBlock.exec(source)
    })()
    pushData(state, source.slice(state.position, at), stripBefore || raw?.[1] === "-")
    if (raw !== null) {
      endRaw.lastIndex = at + raw[0].length
      const end = endRaw.exec(source)
      if (end === null) throw syntaxError("missing end of raw directive", state.line)
      state.stripNext = raw[2] === "-"
      pushData(state, source.slice(at + raw[0].length, end.index), end[1] === "-")
      state.stripNext = end[2] === "-"
      state.line += linesIn(raw[0]) + linesIn(end[0])
      state.position = end.index + end[0].length
      continue
    }
    const opener = source.slice(at, at + 2)
    state.position = at + 2 + (stripBefore || source[at + 2] === "+" ? 1 : 0)
    if (opener === "{#") {
      const close = source.indexOf("#}", state.position)
      if (close === -1) throw syntaxError("missing end of comment tag", state.line)
      state.line += linesIn(source.slice(at, close))
      state.stripNext = source[close - 1] === "-"
      state.position = close + 2
      continue
    }
    const isVariable = opener === "{{"
    state.tokens.push({ type: isVariable ? "variable_begin" : "block_begin", line: state.line })
    lexTag(state, isVariable ? "}}" : "%}", isVariable ? "variable_end" : "block_end")
  }
  return state.tokens
}
