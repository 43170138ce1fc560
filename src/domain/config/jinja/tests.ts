import { runtimeError } from "./errors.js"
import { compare } from "./operators.js"
import {
  Callable,
  defined,
  equals,
  isList,
  isNumber,
  numeric,
  PyDict,
  PyFloat,
  Undefined,
  type Value,
} from "./values.js"

/** Jinja's built-in tests (`x is defined`, `n is divisibleby 3`), under their Jinja names. */
type Test = (value: Value, args: ReadonlyArray<Value>) => boolean

const integral = (value: Value): number => {
  const known = defined(value)
  if (!isNumber(known)) throw runtimeError("expected a number")
  return numeric(known)
}
const firstArgument = (args: ReadonlyArray<Value>): Value =>
  args[0] ?? new Undefined("missing test argument")
const comparing =
  (operator: string): Test =>
  (value, args) =>
    compare(operator, value, firstArgument(args))

const builtins: Record<string, Test> = {
  defined: (value) => !(value instanceof Undefined),
  undefined: (value) => value instanceof Undefined,
  none: (value) => defined(value) === null,
  boolean: (value) => typeof defined(value) === "boolean",
  true: (value) => defined(value) === true,
  false: (value) => defined(value) === false,
  number: (value) => isNumber(defined(value)),
  integer: (value) => typeof defined(value) === "number",
  float: (value) => defined(value) instanceof PyFloat,
  string: (value) => typeof defined(value) === "string",
  mapping: (value) => defined(value) instanceof PyDict,
  sequence: (value) => {
    const known = defined(value)
    return typeof known === "string" || isList(known) || known instanceof PyDict
  },
  iterable: (value) => {
    const known = defined(value)
    return typeof known === "string" || isList(known) || known instanceof PyDict
  },
  callable: (value) => defined(value) instanceof Callable,
  even: (value) => integral(value) % 2 === 0,
  odd: (value) => Math.abs(integral(value) % 2) === 1,
  divisibleby: (value, args) => integral(value) % integral(firstArgument(args)) === 0,
  lower: (value) => {
    const known = defined(value)
    return typeof known === "string" && known === known.toLowerCase()
  },
  upper: (value) => {
    const known = defined(value)
    return typeof known === "string" && known === known.toUpperCase()
  },
  sameas: (value, args) => {
    const known = defined(value)
    const other = defined(firstArgument(args))
    return typeof known === "object"
      ? known === other
      : equals(known, other) && typeof known === typeof other
  },
  in: comparing("in"),
  eq: comparing("=="),
  ne: comparing("!="),
  lt: comparing("<"),
  le: comparing("<="),
  gt: comparing(">"),
  ge: comparing(">="),
}
for (const [alias, name] of [
  ["==", "eq"],
  ["equalto", "eq"],
  ["!=", "ne"],
  ["<", "lt"],
  ["lessthan", "lt"],
  ["<=", "le"],
  [">", "gt"],
  ["greaterthan", "gt"],
  [">=", "ge"],
] as const) {
  builtins[alias] = builtins[name] as Test
}

/** A test's function, or Jinja's error for an unknown one. */
export const testNamed = (name: string): Test | string =>
  builtins[name] ?? `No test named '${name}'.`
