import { runtimeError } from "./errors.js"

/**
 * Python's `str.format` for a functions.toml definition: metric-config-parser exposes each
 * function as `definition.format(select_expr=argument)`, so `{{` and `}}` stand for braces,
 * `{select_expr}` for the argument, and any other field is an error as in Python.
 */
export const formatDefinition = (definition: string, fields: Readonly<Record<string, string>>) => {
  let output = ""
  for (let index = 0; index < definition.length; index++) {
    const char = definition[index]
    if (char === "{" && definition[index + 1] === "{") {
      output += "{"
      index++
    } else if (char === "}" && definition[index + 1] === "}") {
      output += "}"
      index++
    } else if (char === "}") {
      throw runtimeError("Single '}' encountered in format string")
    } else if (char === "{") {
      const close = definition.indexOf("}", index)
      if (close === -1) throw runtimeError("Single '{' encountered in format string")
      const field = definition.slice(index + 1, close)
      const name = field.split(/[!:.[]/)[0] ?? ""
      const value = fields[name]
      if (value === undefined || name !== field) {
        throw runtimeError(
          name === field ? `KeyError: '${name}'` : `unsupported format field {${field}}`,
        )
      }
      output += value
      index = close
    } else {
      output += char
    }
  }
  return output
}
