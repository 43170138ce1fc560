import { Either } from "effect"
import { JinjaError } from "./jinja/errors.js"
import { tokenize } from "./jinja/lexer.js"
import { parseTokens } from "./jinja/parser.js"

/**
 * A data source's from_expression carries two layers of templating, as in metric-config-parser:
 * Jinja's `{{experiment.normandy_slug}}`, rendered only when the expression parses as Jinja and
 * reads `experiment` (older configs write `'{{d10d0bf8-...}}'` to mean a literal `{d10d0bf8-...}`
 * in Python's str.format); then str.format with `{dataset}` alone, where `{{` and `}}` are
 * braces and any other field is an error.
 */
export const readsExperiment = (fromExpression: string): boolean => {
  if (!fromExpression.includes("{{")) return false
  try {
    return mentionsExperiment(parseTokens(tokenize(fromExpression)))
  } catch (error) {
    if (error instanceof JinjaError) return false
    throw error
  }
}

/** Whether a parsed template names the variable `experiment` anywhere. */
const mentionsExperiment = (tree: unknown): boolean => {
  if (Array.isArray(tree)) return tree.some(mentionsExperiment)
  if (typeof tree !== "object" || tree === null) return false
  const node = tree as Readonly<Record<string, unknown>>
  if (node.kind === "name" && node.name === "experiment") return true
  return Object.values(node).some(mentionsExperiment)
}

/** Python's `from_expression.format(dataset=...)`: the braces doubled, `{dataset}` filled. */
export const formatFromExpression = (
  text: string,
  dataset: string | undefined,
): Either.Either<string, string> => {
  let output = ""
  const unsupported: string[] = []
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    const next = text[index + 1]
    if ((char === "{" && next === "{") || (char === "}" && next === "}")) {
      output += char
      index++
    } else if (char === "{") {
      const close = text.indexOf("}", index)
      if (close === -1) return Either.left("has a single '{' (write '{{' for a brace)")
      const field = text.slice(index + 1, close)
      if (field !== "dataset") unsupported.push(field)
      else if (dataset === undefined)
        return Either.left("uses {dataset} but sets no default_dataset")
      else output += dataset
      index = close
    } else if (char === "}") {
      return Either.left("has a single '}' (write '}}' for a brace)")
    } else {
      output += char
    }
  }
  if (unsupported.length > 0) {
    return Either.left(
      `has placeholder${unsupported.length === 1 ? "" : "s"} ${unsupported.map((f) => `{${f}}`).join(", ")}: only {dataset} is filled in a from_expression (the experiment is {{experiment.normandy_slug}}; a literal brace is doubled)`,
    )
  }
  return Either.right(output)
}
