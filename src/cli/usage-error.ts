import type * as Usage from "@effect/cli/Usage"
import * as ValidationError from "@effect/cli/ValidationError"
import { Option } from "effect"
import { paragraphsOf } from "./help-doc-text.js"

/**
 * A mistake on the command line as one line on stderr: what is wrong, naming the flag, and
 * where to read more. @effect/cli's messages do not always name the flag ("'x' is not a
 * integer", "Expected one of the following cases: ..."): the flag is found on the command
 * line, by the value the message quotes or by the values it lists.
 */

/** The flags of a usage, each with the values it accepts when they are a list of choices. */
const flagsOf = (usage: Usage.Usage): ReadonlyArray<readonly [string, ReadonlyArray<string>]> => {
  switch (usage._tag) {
    case "Named":
      return usage.names
        .filter((name) => name.startsWith("-"))
        .map((name) => [
          name,
          Option.match(usage.acceptedValues, {
            onNone: () => [],
            onSome: (values) => (values.includes(" | ") ? values.split(" | ") : []),
          }),
        ])
    case "Optional":
    case "Repeated":
      return flagsOf(usage.usage)
    case "Concat":
    case "Alternation":
      return [...flagsOf(usage.left), ...flagsOf(usage.right)]
    default:
      return []
  }
}

/** The flags given with a value: `--name value` or `--name=value`. */
const givenValues = (args: ReadonlyArray<string>): ReadonlyArray<readonly [string, string]> =>
  args.flatMap((arg, index): ReadonlyArray<readonly [string, string]> => {
    if (!arg.startsWith("--")) return []
    const equals = arg.indexOf("=")
    if (equals > 0) return [[arg.slice(0, equals), arg.slice(equals + 1)]]
    const next = args[index + 1]
    return next === undefined || next.startsWith("--") ? [] : [[arg, next]]
  })

const listedCases = /^Expected one of the following cases: (.*)$/
const unknownArgument = /^Received unknown argument: '(.*)'$/
const missingFlag = /^Expected to find option: '(--[\w-]+)'$/

/** One of @effect/cli's messages, with the flag it is about when it does not name it. */
const aboutItsFlag = (message: string, args: ReadonlyArray<string>, usage: Usage.Usage) => {
  const flags = new Map(flagsOf(usage))
  const unknown = message.match(unknownArgument)?.[1]
  // A flag the command has, given last without its value, is read as an unknown argument.
  if (unknown !== undefined) {
    return flags.has(unknown) ? `${unknown} needs a value` : `unknown argument '${unknown}'`
  }
  const missing = message.match(missingFlag)?.[1]
  if (missing !== undefined) return `${missing} is required`
  if (/(^|\s|')--\w/.test(message)) return message
  const cases = message.match(listedCases)?.[1]?.split(", ")
  const given = givenValues(args).find(([flag, value]) =>
    cases === undefined
      ? message.includes(`'${value}'`)
      : flags.get(flag)?.join() === cases.join() && !cases.includes(value),
  )
  return given === undefined ? message : `${given[0]} ${given[1]}: ${message}`
}

/**
 * The line printed for a mistake on the command line `args` (without `slipstream`), whose
 * command is `command` (undefined when none was named) with the usage `usage`.
 */
export const usageErrorLine = (
  error: ValidationError.ValidationError,
  args: ReadonlyArray<string>,
  command: string | undefined,
  usage: Usage.Usage,
): string => {
  const invocation = command === undefined ? "slipstream" : `slipstream ${command}`
  const problem = ValidationError.isCommandMismatch(error)
    ? `unknown command '${args[0] ?? ""}'`
    : paragraphsOf(error.error)
        .map((message) => aboutItsFlag(message.trim(), args, usage))
        .filter((message) => message !== "")
        .join("; ")
  return `${invocation}: ${problem || "invalid command line"} (see ${invocation} --help)`
}
