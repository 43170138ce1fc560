import { JinjaError, runtimeError } from "./errors.js"

/**
 * Template values with Python's semantics, since Jinja evaluates templates in Python and
 * metric-hub's templates were written against that: `None`, ints and floats kept apart
 * (`4 / 2` is `2.0`), Python truthiness and Python's `str()` when a value is printed.
 */
export type Value =
  | string
  | boolean
  | null
  | number
  | PyFloat
  | ReadonlyArray<Value>
  | PyDict
  | Callable
  | Namespace
  | Undefined

/** A Python float; a plain `number` is a Python int. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A Python dict (`{"a": 1}` in a template). */
export class PyDict {
  constructor(readonly entries: ReadonlyMap<string | number | boolean | null, Value>) {}
}

/** Something a template can call: a functions.toml helper, a string method, a filter's result. */
export class Callable {
  constructor(
    readonly name: string,
    readonly call: (args: ReadonlyArray<Value>, kwargs: ReadonlyMap<string, Value>) => Value,
  ) {}
}

/**
 * An object with attributes (`experiment`, `parameters`): `lookup` gives an attribute's value,
 * or the message an undefined one fails with when used.
 */
export class Namespace {
  constructor(
    readonly name: string,
    readonly lookup: (attribute: string) => Value | { readonly undefinedBecause: string },
  ) {}
}

/**
 * A name or attribute that is not defined. Jinja's StrictUndefined: printing it, testing it,
 * iterating over it or reading from it fails; only `is defined` and `default` may look at it.
 */
export class Undefined {
  constructor(readonly message: string) {}
  fail(): never {
    throw new JinjaError("undefined", this.message)
  }
}

export const isInt = (value: Value): value is number => typeof value === "number"
export const isNumber = (value: Value): value is number | PyFloat =>
  typeof value === "number" || value instanceof PyFloat
export const numeric = (value: number | PyFloat): number =>
  typeof value === "number" ? value : value.value
export const isList = (value: Value): value is ReadonlyArray<Value> => Array.isArray(value)

/** Fails on an undefined value; returns any other unchanged. */
export const defined = (value: Value): Exclude<Value, Undefined> => {
  return value instanceof Undefined ? value.fail() : value
}

export const typeName = (value: Value): string => {
  if (value === null) return "NoneType"
  if (typeof value === "string") return "str"
  if (typeof value === "boolean") return "bool"
  if (typeof value === "number") return "int"
  if (value instanceof PyFloat) return "float"
  if (isList(value)) return "list"
  if (value instanceof PyDict) return "dict"
  if (value instanceof Callable) return "function"
  if (value instanceof Namespace) return value.name
  return "Undefined"
}

/** Python's repr of a float: shortest round-trip digits, `1.0`, `1e-07`, `inf`, `nan`. */
const floatRepr = (value: number): string => {
  if (Number.isNaN(value)) return "nan"
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf"
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return value.toFixed(1)
  const text = String(value)
  const exponent = /e([+-])(\d+)$/.exec(text)
  if (exponent === null) return text
  const digits = exponent[2] ?? ""
  return `${text.slice(0, exponent.index)}e${exponent[1]}${digits.padStart(2, "0")}`
}

const quoteRepr = (text: string): string => {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  const escaped = text
    .replaceAll("\\", "\\\\")
    .replaceAll("\n", "\\n")
    .replaceAll("\t", "\\t")
    .replaceAll("\r", "\\r")
  return `${quote}${quote === "'" ? escaped.replaceAll("'", "\\'") : escaped}${quote}`
}

/** Python's repr(): how a value prints inside a list or dict. */
export const repr = (value: Value): string =>
  typeof value === "string" ? quoteRepr(value) : str(value)

/** Python's str(): how `{{ value }}` prints. */
export const str = (value: Value): string => {
  const known = defined(value)
  if (known === null) return "None"
  if (typeof known === "string") return known
  if (typeof known === "boolean") return known ? "True" : "False"
  if (typeof known === "number") return String(known)
  if (known instanceof PyFloat) return floatRepr(known.value)
  if (isList(known)) return `[${known.map(repr).join(", ")}]`
  if (known instanceof PyDict) {
    const items = [...known.entries].map(([key, item]) => `${repr(key)}: ${repr(item)}`)
    return `{${items.join(", ")}}`
  }
  if (known instanceof Callable) return `<function ${known.name}>`
  return `<${known.name}>`
}

/** Python truthiness. */
export const truthy = (value: Value): boolean => {
  const known = defined(value)
  if (known === null) return false
  if (typeof known === "string") return known.length > 0
  if (typeof known === "boolean") return known
  if (typeof known === "number") return known !== 0
  if (known instanceof PyFloat) return known.value !== 0
  if (isList(known)) return known.length > 0
  if (known instanceof PyDict) return known.entries.size > 0
  return true
}

/** Python's ==: numbers compare across int and float, lists and dicts element by element. */
export const equals = (a: Value, b: Value): boolean => {
  const left = defined(a)
  const right = defined(b)
  if (isNumber(left) || typeof left === "boolean") {
    const asNumber = (v: Value) =>
      typeof v === "boolean" ? Number(v) : isNumber(v) ? numeric(v) : undefined
    const l = asNumber(left)
    const r = asNumber(right)
    return r !== undefined && l === r
  }
  if (isList(left)) {
    return (
      isList(right) &&
      left.length === right.length &&
      left.every((item, index) => equals(item, right[index] ?? null))
    )
  }
  if (left instanceof PyDict) {
    if (!(right instanceof PyDict) || left.entries.size !== right.entries.size) return false
    return [...left.entries].every(
      ([key, item]) => right.entries.has(key) && equals(item, right.entries.get(key) ?? null),
    )
  }
  return left === right
}

/** Iterating: a list's items, a string's characters, a dict's keys. */
export const iterate = (value: Value): ReadonlyArray<Value> => {
  const known = defined(value)
  if (isList(known)) return known
  if (typeof known === "string") return [...known]
  if (known instanceof PyDict) return [...known.entries.keys()]
  throw runtimeError(`'${typeName(known)}' object is not iterable`)
}

/** A dict key, from a value a template may use as one. */
export const dictKey = (value: Value): string | number | boolean | null => {
  const known = defined(value)
  if (
    known === null ||
    typeof known === "string" ||
    typeof known === "number" ||
    typeof known === "boolean"
  )
    return known
  if (known instanceof PyFloat) return known.value
  throw runtimeError(`unhashable type: '${typeName(known)}'`)
}
