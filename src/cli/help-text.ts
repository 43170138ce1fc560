import * as CliConfig from "@effect/cli/CliConfig"
import * as Descriptor from "@effect/cli/CommandDescriptor"
import type * as Usage from "@effect/cli/Usage"
import { HashSet, Option } from "effect"
import { definitionLines, paragraph } from "./columns.js"
import { type HelpPart, helpParts } from "./help-doc-text.js"
import { commands, slipstream, version } from "./slipstream.js"

/**
 * The help of `slipstream` and of each command, in plain text that fits 100 columns (no
 * ANSI escapes: the build renders it once, for terminals and pipes alike): a synopsis, the
 * usage, what the command does, then one line per flag with its default and environment
 * variable. It is rendered from the commands' definitions, through @effect/cli's help
 * documents, without @effect/cli's own layout, which is styled, wide and says three lines of
 * boilerplate per flag.
 */

const config = CliConfig.make({ showBuiltIns: false })

/** Terms wider than this (a flag with its values) put their description along their line. */
const termColumn = 24

/** @effect/cli's sentences in a flag's description: whether it is optional, repeatable, ... */
const boilerplate = /^(This (setting|option|argument) |Will prompt )/

const nameOf = (command: Descriptor.Command<unknown>): string =>
  [...HashSet.values(Descriptor.getNames(command))].join(", ")

/** The command of that name, if Slipstream has one. */
export const commandNamed = (name: string | undefined): Descriptor.Command<unknown> | undefined =>
  commands.map((command) => command.descriptor).find((command) => nameOf(command) === name)

/** A flag or argument as its help line shows it: `--engine duckdb|bigquery`, `FILE...`. */
const termOf = (term: string): string => term.replaceAll(" | ", "|").replace(/^<(\w+)>/, "$1")

/**
 * A flag's or argument's line: its first description, then the others (default, environment
 * variable) in parentheses. @effect/cli puts the kind of value first and its own sentences
 * last; they go.
 */
const definitionOf = (part: Extract<HelpPart, { kind: "definition" }>) => {
  const [, ...described] = part.paragraphs
  const [text = "", ...notes] = described.filter((words) => !boilerplate.test(words))
  const description = notes.length === 0 ? text : `${text} (${notes.join("; ")})`
  return [termOf(part.term), description] as const
}

/** The parts of a command's help document under each of its headers. */
const sectionsOf = (command: Descriptor.Command<unknown>) => {
  const sections = new Map<string, Array<HelpPart>>()
  let current: Array<HelpPart> = []
  for (const part of helpParts(Descriptor.getHelp(command, config))) {
    if (part.kind === "header") {
      current = []
      sections.set(part.text, current)
    } else {
      current.push(part)
    }
  }
  return sections
}

const paragraphsIn = (parts: ReadonlyArray<HelpPart> = []) =>
  parts.flatMap((part) => (part.kind === "paragraph" ? [part.text] : []))

const definitionsIn = (parts: ReadonlyArray<HelpPart> = []) =>
  parts.flatMap((part) => (part.kind === "definition" ? [definitionOf(part)] : []))

/** The words of a usage that must be given: the command, required flags, arguments. */
const requiredWords = (usage: Usage.Usage): ReadonlyArray<string> => {
  switch (usage._tag) {
    case "Named": {
      const name = usage.names.find((each) => each.startsWith("--")) ?? usage.names[0] ?? ""
      const value = Option.match(usage.acceptedValues, {
        onNone: () => "",
        onSome: (values) => ` ${values.replaceAll(" | ", "|")}`,
      })
      return [termOf(`${name}${value}`)]
    }
    case "Concat":
      return [...requiredWords(usage.left), ...requiredWords(usage.right)]
    case "Repeated":
      // Arguments repeated are required at least once here (`FILE...`); flags never are.
      return usage.usage._tag === "Named" && usage.usage.names.some((name) => name.startsWith("<"))
        ? requiredWords(usage.usage).map((word) => `${word}...`)
        : []
    default:
      return []
  }
}

const usageLine = (command: Descriptor.Command<unknown>): string => {
  const words = requiredWords(Descriptor.getUsage(command))
  const isArgument = (word: string) => /^[A-Z]/.test(word)
  const flags = words.filter((word) => !isArgument(word))
  const args = words.filter(isArgument)
  return paragraph(`Usage: slipstream ${[...flags, "[options]", ...args].join(" ")}`)
}

const helpFlag = ["-h, --help", "show this help"] as const

/** `slipstream COMMAND --help`. */
export const commandHelp = (command: Descriptor.Command<unknown>): string => {
  const name = nameOf(command)
  const sections = sectionsOf(command)
  const [synopsis = "", ...details] = paragraphsIn(sections.get("DESCRIPTION"))
  const args = definitionsIn(sections.get("ARGUMENTS"))
  const flags = [...definitionsIn(sections.get("OPTIONS")), helpFlag]
  return [
    paragraph(`slipstream ${name}: ${synopsis}`),
    usageLine(command),
    ...details.map(paragraph),
    ...(args.length === 0 ? [] : [["Arguments:", ...definitionLines(args, termColumn)].join("\n")]),
    ["Options:", ...definitionLines(flags, termColumn)].join("\n"),
  ].join("\n\n")
}

/** `slipstream --help`: the commands, a line each. */
export const rootHelp = (): string => {
  const [synopsis = "", ...details] = paragraphsIn(
    sectionsOf(slipstream.descriptor).get("DESCRIPTION"),
  )
  const listed = commands.map((command) => {
    const [line = ""] = paragraphsIn(sectionsOf(command.descriptor).get("DESCRIPTION"))
    return [nameOf(command.descriptor), line] as const
  })
  return [
    paragraph(`slipstream ${version}: ${synopsis}`),
    "Usage: slipstream COMMAND [options]",
    ...details.map(paragraph),
    ["Commands:", ...definitionLines(listed, termColumn)].join("\n"),
    [
      "Options:",
      ...definitionLines(
        [
          ["-h, --help", "show this help; slipstream COMMAND --help shows a command's"],
          ["--version", "show the version"],
        ],
        termColumn,
      ),
    ].join("\n"),
  ].join("\n\n")
}

/**
 * What `slipstream ...args` prints without running anything: a help (`--help` or `-h`
 * anywhere, or no arguments) or the version; undefined for any other command line.
 */
export const printedText = (args: ReadonlyArray<string>): string | undefined => {
  if (args.length === 0 || args.includes("--help") || args.includes("-h")) {
    const command = commandNamed(args[0])
    return `${command === undefined ? rootHelp() : commandHelp(command)}\n`
  }
  return args.includes("--version") ? `${version}\n` : undefined
}
