import { runtimeError } from "./errors.js"
import { Callable, iterate, str, type Value } from "./values.js"

/**
 * The Python `str` methods a template may call on a string (`"a,b".split(",")`). Jinja lets
 * templates call any of them; these are the ones that make sense in SQL templates.
 */
const stringArgument = (args: ReadonlyArray<Value>, index: number): string | undefined => {
  const value = args[index]
  return value === undefined || value === null ? undefined : str(value)
}

const stripper =
  (side: "both" | "start" | "end") =>
  (text: string, args: ReadonlyArray<Value>): Value => {
    const chars = stringArgument(args, 0)
    const set = chars === undefined ? undefined : new Set(chars)
    const strip = (char: string) => (set === undefined ? /\s/.test(char) : set.has(char))
    let start = 0
    let end = text.length
    if (side !== "end") while (start < end && strip(text.charAt(start))) start++
    if (side !== "start") while (end > start && strip(text.charAt(end - 1))) end--
    return text.slice(start, end)
  }

const methods: Readonly<Record<string, (text: string, args: ReadonlyArray<Value>) => Value>> = {
  upper: (text) => text.toUpperCase(),
  lower: (text) => text.toLowerCase(),
  strip: stripper("both"),
  lstrip: stripper("start"),
  rstrip: stripper("end"),
  replace: (text, args) =>
    text.replaceAll(stringArgument(args, 0) ?? "", stringArgument(args, 1) ?? ""),
  startswith: (text, args) => text.startsWith(stringArgument(args, 0) ?? ""),
  endswith: (text, args) => text.endsWith(stringArgument(args, 0) ?? ""),
  split: (text, args) => {
    const separator = stringArgument(args, 0)
    return separator === undefined
      ? text.split(/\s+/).filter((part) => part !== "")
      : text.split(separator)
  },
  join: (text, args) =>
    iterate(args[0] ?? [])
      .map(str)
      .join(text),
}

/** The bound method `name` of `text`, if it is one offered. */
export const stringMethod = (text: string, name: string): Callable | undefined => {
  const method = methods[name]
  if (method === undefined) return undefined
  return new Callable(`str.${name}`, (args, kwargs) => {
    if (kwargs.size > 0) throw runtimeError(`str.${name}() takes no keyword arguments`)
    return method(text, args)
  })
}
