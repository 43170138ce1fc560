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
  typeName,
  type Value,
} from "./values.js"

/** Jinja's arithmetic and comparison operators with Python's semantics. */

const numberResult = (value: number, float: boolean): Value => (float ? new PyFloat(value) : value)

const unsupported = (operator: string, a: Value, b: Value) =>
  runtimeError(`unsupported operand type(s) for ${operator}: '${typeName(a)}' and '${typeName(b)}'`)

const asNumber = (value: Value): number | PyFloat | undefined =>
  typeof value === "boolean" ? Number(value) : isNumber(value) ? value : undefined

const pythonModulo = (a: number, b: number): number => a - b * Math.floor(a / b)

export const binary = (operator: string, leftValue: Value, rightValue: Value): Value => {
  const left = defined(leftValue)
  const right = defined(rightValue)
  if (operator === "~") return str(left) + str(right)
  if (operator === "+") {
    if (typeof left === "string" && typeof right === "string") return left + right
    if (isList(left) && isList(right)) return [...left, ...right]
  }
  if (operator === "*") {
    const [text, times] =
      typeof left === "string" ? [left, right] : typeof right === "string" ? [right, left] : []
    if (text !== undefined && typeof times === "number") return text.repeat(Math.max(0, times))
  }
  const a = asNumber(left)
  const b = asNumber(right)
  if (a === undefined || b === undefined) throw unsupported(operator, left, right)
  const float = a instanceof PyFloat || b instanceof PyFloat
  const x = numeric(a)
  const y = numeric(b)
  switch (operator) {
    case "+":
      return numberResult(x + y, float)
    case "-":
      return numberResult(x - y, float)
    case "*":
      return numberResult(x * y, float)
    case "/":
      if (y === 0) throw runtimeError("division by zero")
      return new PyFloat(x / y)
    case "//":
      if (y === 0) throw runtimeError("integer division or modulo by zero")
      return numberResult(Math.floor(x / y), float)
    case "%":
      if (y === 0) throw runtimeError("integer division or modulo by zero")
      return numberResult(pythonModulo(x, y), float)
    case "**":
      return numberResult(x ** y, float || y < 0)
    default:
      throw runtimeError(`unknown operator ${operator}`)
  }
}

const contains = (container: Value, item: Value): boolean => {
  const known = defined(container)
  if (typeof known === "string") {
    const needle = defined(item)
    if (typeof needle !== "string") {
      throw runtimeError(`'in <string>' requires string as left operand, not ${typeName(needle)}`)
    }
    return known.includes(needle)
  }
  if (known instanceof PyDict) return [...known.entries.keys()].some((key) => equals(key, item))
  return iterate(known).some((element) => equals(element, item))
}

const order = (operator: string, a: Value, b: Value): boolean => {
  const left = defined(a)
  const right = defined(b)
  const x = asNumber(left)
  const y = asNumber(right)
  let sign: number
  if (x !== undefined && y !== undefined) sign = Math.sign(numeric(x) - numeric(y))
  else if (typeof left === "string" && typeof right === "string")
    sign = left < right ? -1 : left > right ? 1 : 0
  else
    throw runtimeError(
      `'${operator}' not supported between instances of '${typeName(left)}' and '${typeName(right)}'`,
    )
  switch (operator) {
    case "<":
      return sign < 0
    case "<=":
      return sign <= 0
    case ">":
      return sign > 0
    default:
      return sign >= 0
  }
}

export const compare = (operator: string, left: Value, right: Value): boolean => {
  switch (operator) {
    case "==":
      return equals(left, right)
    case "!=":
      return !equals(left, right)
    case "in":
      return contains(right, left)
    case "not in":
      return !contains(right, left)
    default:
      return order(operator, left, right)
  }
}

export const negate = (operator: "-" | "+", operand: Value): Value => {
  const known = defined(operand)
  const number = asNumber(known)
  if (number === undefined)
    throw runtimeError(`bad operand type for unary ${operator}: '${typeName(known)}'`)
  const value = operator === "-" ? -numeric(number) : numeric(number)
  return number instanceof PyFloat ? new PyFloat(value) : value
}
