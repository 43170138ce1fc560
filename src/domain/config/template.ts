import { Either } from "effect"
import { stringLiteral } from "../../sql/identifiers.js"
import { didYouMean } from "./config-issue.js"

/**
 * The subset of Jinja that metric-hub files use, rendered strictly (an unknown name is an
 * error, as with Jinja's StrictUndefined):
 * - `{{ agg_sum("column") }}`: a function from functions.toml applied to a string literal
 *   (adjacent literals concatenate, which is how `"""..."""` reads in Jinja);
 * - `{{ experiment.start_date_str }}` and the other experiment attributes;
 * - `{{ parameters.name }}`: a parameter's value; a per-branch parameter becomes a
 *   `CASE e.branch WHEN ... END` expression, its values quoted like the placeholder was.
 */

export type ParameterBinding =
  | { readonly kind: "single"; readonly value: string }
  | { readonly kind: "perBranch"; readonly values: Readonly<Record<string, string>> }

export interface TemplateContext {
  readonly functions: Readonly<Record<string, string>>
  /** Experiment attributes; a string is the value, an Error says why it has none. */
  readonly experiment: Readonly<Record<string, string | Error>>
  /** Parameter bindings; an Error says why a parameter cannot be used. */
  readonly parameters: Readonly<Record<string, ParameterBinding | Error>>
}

const expressionPattern = /(['"]?)\{\{(.*?)\}\}\1/gs
const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/

const sqlCaseOverBranches = (values: Readonly<Record<string, string>>, quote: string): string => {
  const arms = Object.entries(values).map(
    ([branch, value]) => `WHEN ${stringLiteral(branch)} THEN ${quote}${value}${quote}`,
  )
  return `CASE e.branch ${arms.join(" ")} END`
}

/** Reads `"a" 'b' """c"""` as Jinja does: adjacent string literals, concatenated. */
const parseStringLiterals = (source: string): string | undefined => {
  let rest = source.trim()
  let text = ""
  let literals = 0
  while (rest.length > 0) {
    const quote = rest[0]
    if (quote !== '"' && quote !== "'") return undefined
    let index = 1
    let value = ""
    for (; index < rest.length && rest[index] !== quote; index++) {
      const char = rest[index]
      if (char === "\\" && index + 1 < rest.length) {
        index++
        value += rest[index]
      } else {
        value += char
      }
    }
    if (index >= rest.length) return undefined
    text += value
    literals++
    rest = rest.slice(index + 1).trimStart()
  }
  return literals === 0 ? undefined : text
}

const renderExpression = (
  expression: string,
  quote: string,
  context: TemplateContext,
): Either.Either<string, string> => {
  const call = /^([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)$/s.exec(expression)
  if (call !== null) {
    const [, name = "", argument = ""] = call
    const definition = context.functions[name]
    if (definition === undefined) {
      return Either.left(
        `unknown function "${name}"${didYouMean(name, Object.keys(context.functions))}`,
      )
    }
    const selectExpression = parseStringLiterals(argument)
    if (selectExpression === undefined) {
      return Either.left(`${name}(...) takes one string literal, got (${argument.trim()})`)
    }
    return Either.right(
      `${quote}${definition.replaceAll("{select_expr}", selectExpression)}${quote}`,
    )
  }
  const [scope, attribute, ...extra] = expression.split(".").map((part) => part.trim())
  if (attribute === undefined || extra.length > 0 || !identifier.test(attribute)) {
    return Either.left(`unsupported template expression "{{ ${expression} }}"`)
  }
  if (scope === "experiment") {
    const value = context.experiment[attribute]
    if (value === undefined) {
      return Either.left(
        `unknown experiment attribute "${attribute}"${didYouMean(attribute, Object.keys(context.experiment))}`,
      )
    }
    return value instanceof Error
      ? Either.left(value.message)
      : Either.right(`${quote}${value}${quote}`)
  }
  if (scope === "parameters") {
    const binding = context.parameters[attribute]
    if (binding === undefined) {
      return Either.left(
        `unknown parameter "${attribute}"${didYouMean(attribute, Object.keys(context.parameters))}`,
      )
    }
    if (binding instanceof Error) return Either.left(binding.message)
    return Either.right(
      binding.kind === "single"
        ? `${quote}${binding.value}${quote}`
        : sqlCaseOverBranches(binding.values, quote),
    )
  }
  return Either.left(`unsupported template expression "{{ ${expression} }}"`)
}

/** Renders every `{{ ... }}`; all problems are reported, not only the first. */
export const renderTemplate = (
  template: string,
  context: TemplateContext,
): Either.Either<string, ReadonlyArray<string>> => {
  if (/\{%|\{#/.test(template)) {
    return Either.left(["template statements ({% %}) and comments ({# #}) are not supported"])
  }
  const problems: string[] = []
  const rendered = template.replace(expressionPattern, (_match, quote: string, body: string) => {
    const result = renderExpression(body.trim(), quote, context)
    if (Either.isLeft(result)) {
      problems.push(result.left)
      return ""
    }
    return result.right
  })
  return problems.length > 0 ? Either.left(problems) : Either.right(rendered)
}

/**
 * Fills mozanalysis-style single-brace placeholders (`{experiment_slug}`, `{dataset}`);
 * other braces are left alone since SQL may contain them.
 */
export const fillPlaceholders = (
  text: string,
  values: Readonly<Record<string, string | undefined>>,
): string => text.replace(/\{([a-z_]+)\}/g, (match, name: string) => values[name] ?? match)
