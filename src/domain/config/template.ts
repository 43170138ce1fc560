import { Either } from "effect"
import { stringLiteral } from "../../sql/identifiers.js"
import { didYouMean } from "./config-issue.js"
import { runtimeError } from "./jinja/errors.js"
import { formatDefinition } from "./jinja/python-format.js"
import { renderJinja } from "./jinja/render.js"
import { Callable, Namespace, str, type Value } from "./jinja/values.js"

/**
 * metric-hub templates, rendered with Jinja (src/domain/config/jinja) in the environment
 * metric-config-parser builds: autoescape off, StrictUndefined (an unknown name is an error),
 * each function of functions.toml a global `name(select_expr)` that returns
 * `definition.format(select_expr=...)`. Which variables a template sees depends on the field,
 * as in metric-config-parser (see `TemplateScope`).
 *
 * A per-branch parameter becomes a `CASE e.branch WHEN ... END` expression, its values quoted
 * like the placeholder was (`'{{ parameters.x }}'`), where Jetstream leaves the CASE inside a
 * string literal.
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

/** The variables a field's template sees. */
export interface TemplateScope {
  readonly functions: boolean
  readonly experiment: boolean
  readonly parameters: boolean
}

export const everything: TemplateScope = { functions: true, experiment: true, parameters: true }

/**
 * Stands for a per-branch parameter until rendering is done (see `withBranchCases`), between
 * private-use characters no SQL contains.
 */
const perBranchMarker = (name: string) => `\uE000slipstream-parameter:${name}\uE001`
const markerPattern = /(['"]?)\uE000slipstream-parameter:([^\uE001]*)\uE001\1/g

const sqlCaseOverBranches = (values: Readonly<Record<string, string>>, quote: string): string => {
  const arms = Object.entries(values).map(
    ([branch, value]) => `WHEN ${stringLiteral(branch)} THEN ${quote}${value}${quote}`,
  )
  return `CASE e.branch ${arms.join(" ")} END`
}

/** A functions.toml function: `partial(lambda select_expr, definition: ...)` in the parser. */
const templateFunction = (name: string, definition: string): Callable =>
  new Callable(name, (args, kwargs) => {
    const keyword = kwargs.get("select_expr")
    const others = [...kwargs.keys()].filter((key) => key !== "select_expr")
    if (others.length > 0 || args.length + (keyword === undefined ? 0 : 1) !== 1) {
      throw runtimeError(`${name}() takes one argument, the select expression`)
    }
    return formatDefinition(definition, { select_expr: str((args[0] ?? keyword) as Value) })
  })

const namespace = <T>(
  name: string,
  entries: Readonly<Record<string, T | Error>>,
  present: (attribute: string, entry: T) => Value,
) =>
  new Namespace(name, (attribute) => {
    const entry = Object.hasOwn(entries, attribute) ? entries[attribute] : undefined
    if (entry === undefined) {
      const kind = name === "experiment" ? "experiment attribute" : "parameter"
      return {
        undefinedBecause: `unknown ${kind} "${attribute}"${didYouMean(attribute, Object.keys(entries))}`,
      }
    }
    return entry instanceof Error ? { undefinedBecause: entry.message } : present(attribute, entry)
  })

const variablesOf = (context: TemplateContext, scope: TemplateScope): Map<string, Value> => {
  const variables = new Map<string, Value>()
  if (scope.functions) {
    for (const [name, definition] of Object.entries(context.functions)) {
      variables.set(name, templateFunction(name, definition))
    }
  }
  if (scope.experiment) {
    variables.set(
      "experiment",
      namespace("experiment", context.experiment, (_, value) => value),
    )
  }
  if (scope.parameters) {
    variables.set(
      "parameters",
      namespace("parameters", context.parameters, (name, binding) =>
        binding.kind === "single" ? binding.value : perBranchMarker(name),
      ),
    )
  }
  return variables
}

const withBranchCases = (rendered: string, context: TemplateContext): string =>
  rendered.replace(markerPattern, (_match, quote: string, name: string) => {
    const binding = context.parameters[name]
    return binding !== undefined && !(binding instanceof Error) && binding.kind === "perBranch"
      ? sqlCaseOverBranches(binding.values, quote)
      : ""
  })

/** Renders a template; every problem is reported, not only the first. */
export const renderTemplate = (
  template: string,
  context: TemplateContext,
  scope: TemplateScope = everything,
): Either.Either<string, ReadonlyArray<string>> =>
  Either.match(renderJinja(template, variablesOf(context, scope)), {
    onLeft: (problems) =>
      Either.left(
        problems.map(({ message, line }) =>
          line === undefined || !template.includes("\n") ? message : `line ${line}: ${message}`,
        ),
      ),
    onRight: (rendered) => Either.right(withBranchCases(rendered, context)),
  })

/**
 * Fills mozanalysis-style single-brace placeholders (`{experiment_slug}`, `{dataset}`);
 * other braces are left alone since SQL may contain them.
 */
export const fillPlaceholders = (
  text: string,
  values: Readonly<Record<string, string | undefined>>,
): string => text.replace(/\{([a-z_]+)\}/g, (match, name: string) => values[name] ?? match)

/** The variables metric-config-parser gives each kind of template. */
export const scopes = {
  /** A metric's select_expression: the functions, and `parameters`. */
  metricSelect: { functions: true, experiment: false, parameters: true },
  /** A segment's select_expression: the functions only. */
  segmentSelect: { functions: true, experiment: false, parameters: false },
  /** A segment data source's from_expression and the enrollment query: `experiment` only. */
  experimentOnly: { functions: false, experiment: true, parameters: false },
  /** An exposure signal's select_expression, which the parser passes on unrendered. */
  exposureSignal: everything,
} satisfies Readonly<Record<string, TemplateScope>>
