import { runtimeError } from "./errors.js"
import {
  defined,
  equals,
  isList,
  isNumber,
  iterate,
  numeric,
  PyDict,
  PyFloat,
  str,
  truthy,
  typeName,
  Undefined,
  type Value,
} from "./values.js"

/**
 * Jinja's built-in filters that make sense in SQL templates, with Jinja's arguments and
 * defaults. A built-in left out here is refused by name; any other name is Jinja's
 * "No filter named" error.
 */
type Filter = (
  value: Value,
  args: ReadonlyArray<Value>,
  kwargs: ReadonlyMap<string, Value>,
) => Value

const argument = (
  args: ReadonlyArray<Value>,
  kwargs: ReadonlyMap<string, Value>,
  index: number,
  name: string,
  fallback: Value,
): Value => args[index] ?? kwargs.get(name) ?? fallback

const text = (value: Value): string => str(value)

const toInt = (value: Value, fallback: Value): Value => {
  const known = defined(value)
  if (typeof known === "boolean") return Number(known)
  if (isNumber(known)) return Math.trunc(numeric(known))
  if (typeof known === "string" && /^\s*[+-]?\d+(\.\d*)?\s*$/.test(known))
    return Math.trunc(Number(known))
  return fallback
}

const toFloat = (value: Value, fallback: Value): Value => {
  const known = defined(value)
  if (typeof known === "boolean") return new PyFloat(Number(known))
  if (isNumber(known)) return new PyFloat(numeric(known))
  if (typeof known === "string" && known.trim() !== "" && !Number.isNaN(Number(known)))
    return new PyFloat(Number(known))
  return fallback
}

const sortKey = (value: Value): number | string => {
  const known = defined(value)
  if (isNumber(known) || typeof known === "boolean")
    return Number(isNumber(known) ? numeric(known) : known)
  return str(known)
}

const compareValues = (a: Value, b: Value): number => {
  const x = sortKey(a)
  const y = sortKey(b)
  return x < y ? -1 : x > y ? 1 : 0
}

const lengthOf = (value: Value): number => {
  const known = defined(value)
  if (known instanceof PyDict) return known.entries.size
  if (typeof known === "string" || isList(known)) return known.length
  throw runtimeError(`object of type '${typeName(known)}' has no len()`)
}

const roundHalfEven = (value: number, precision: number): number => {
  const factor = 10 ** precision
  const scaled = value * factor
  const floor = Math.floor(scaled)
  const difference = scaled - floor
  const rounded = difference > 0.5 || (difference === 0.5 && floor % 2 !== 0) ? floor + 1 : floor
  return rounded / factor
}

const builtins: Record<string, Filter> = {
  abs: (value) => {
    const known = defined(value)
    if (!isNumber(known)) throw runtimeError(`bad operand type for abs(): '${typeName(known)}'`)
    return known instanceof PyFloat ? new PyFloat(Math.abs(known.value)) : Math.abs(known)
  },
  capitalize: (value) => {
    const s = text(value)
    return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase()
  },
  count: (value) => lengthOf(value),
  length: (value) => lengthOf(value),
  default: (value, args, kwargs) => {
    const fallback = argument(args, kwargs, 0, "default_value", "")
    const boolean = truthy(argument(args, kwargs, 1, "boolean", false))
    return value instanceof Undefined || (boolean && !truthy(value)) ? fallback : value
  },
  first: (value) => iterate(value)[0] ?? new Undefined("first of an empty sequence"),
  last: (value) => iterate(value).at(-1) ?? new Undefined("last of an empty sequence"),
  float: (value, args, kwargs) =>
    toFloat(value, argument(args, kwargs, 0, "default", new PyFloat(0))),
  int: (value, args, kwargs) => toInt(value, argument(args, kwargs, 0, "default", 0)),
  join: (value, args, kwargs) =>
    iterate(value)
      .map(text)
      .join(text(argument(args, kwargs, 0, "d", ""))),
  list: (value) => [...iterate(value)],
  lower: (value) => text(value).toLowerCase(),
  upper: (value) => text(value).toUpperCase(),
  max: (value) =>
    [...iterate(value)].sort(compareValues).at(-1) ?? new Undefined("max of an empty sequence"),
  min: (value) =>
    [...iterate(value)].sort(compareValues)[0] ?? new Undefined("min of an empty sequence"),
  replace: (value, args, kwargs) => {
    const old = text(argument(args, kwargs, 0, "old", ""))
    const replacement = text(argument(args, kwargs, 1, "new", ""))
    const count = argument(args, kwargs, 2, "count", null)
    if (count === null) return text(value).replaceAll(old, replacement)
    let result = text(value)
    let start = 0
    for (let done = 0; done < numeric(count as number); done++) {
      const at = result.indexOf(old, start)
      if (at === -1) break
      result = result.slice(0, at) + replacement + result.slice(at + old.length)
      start = at + replacement.length
    }
    return result
  },
  reverse: (value) => {
    const known = defined(value)
    return typeof known === "string" ? [...known].reverse().join("") : [...iterate(known)].reverse()
  },
  round: (value, args, kwargs) => {
    const precision = numeric(toInt(argument(args, kwargs, 0, "precision", 0), 0) as number)
    const method = text(argument(args, kwargs, 1, "method", "common"))
    const number = numeric(toFloat(value, new PyFloat(0)) as PyFloat)
    const factor = 10 ** precision
    // "common" is Python's round(): halves to even.
    if (method === "common") return new PyFloat(roundHalfEven(number, precision))
    if (method === "ceil") return new PyFloat(Math.ceil(number * factor) / factor)
    if (method === "floor") return new PyFloat(Math.floor(number * factor) / factor)
    throw runtimeError("method must be common, ceil or floor")
  },
  safe: (value) => value,
  sort: (value, args, kwargs) => {
    const sorted = [...iterate(value)].sort(compareValues)
    return truthy(argument(args, kwargs, 0, "reverse", false)) ? sorted.reverse() : sorted
  },
  string: (value) => text(value),
  sum: (value, args, kwargs) =>
    iterate(value).reduce<Value>(
      (total, item) => {
        const a = defined(total)
        const b = defined(item)
        if (!isNumber(a) || !isNumber(b)) throw runtimeError("sum of values that are not numbers")
        const float = a instanceof PyFloat || b instanceof PyFloat
        return float ? new PyFloat(numeric(a) + numeric(b)) : numeric(a) + numeric(b)
      },
      argument(args, kwargs, 1, "start", 0),
    ),
  title: (value) =>
    text(value).replace(
      /\w\S*/g,
      (word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase(),
    ),
  trim: (value, args, kwargs) => {
    const chars = argument(args, kwargs, 0, "chars", null)
    const s = text(value)
    if (chars === null) return s.trim()
    const set = new Set(text(chars))
    let start = 0
    let end = s.length
    while (start < end && set.has(s.charAt(start))) start++
    while (end > start && set.has(s.charAt(end - 1))) end--
    return s.slice(start, end)
  },
  unique: (value) => {
    const seen: Value[] = []
    for (const item of iterate(value))
      if (!seen.some((other) => equals(other, item))) seen.push(item)
    return seen
  },
}
builtins.d = builtins.default as Filter

/** Jinja built-ins not offered here: refused by name rather than called unknown. */
export const otherBuiltinFilters = [
  "attr",
  "batch",
  "center",
  "dictsort",
  "e",
  "escape",
  "filesizeformat",
  "forceescape",
  "format",
  "groupby",
  "indent",
  "items",
  "map",
  "pprint",
  "random",
  "reject",
  "rejectattr",
  "select",
  "selectattr",
  "slice",
  "striptags",
  "tojson",
  "truncate",
  "urlencode",
  "urlize",
  "wordcount",
  "wordwrap",
  "xmlattr",
]

/** A filter's function, or why there is none. */
export const filterNamed = (name: string): Filter | string =>
  builtins[name] ??
  (otherBuiltinFilters.includes(name)
    ? `the '${name}' filter is not supported in metric-hub templates`
    : `No filter named '${name}'.`)
