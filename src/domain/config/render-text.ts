import { Either } from "effect"
import { type ConfigIssue, issue, keyPath } from "./config-issue.js"
import { formatFromExpression, readsExperiment } from "./from-expression.js"
import {
  fillPlaceholders,
  renderTemplate,
  scopes,
  type TemplateContext,
  type TemplateScope,
} from "./template.js"

/**
 * A config text rendered: its Jinja template with the variables `scope` allows, then its
 * `{placeholder}`s filled. Undefined when it cannot be, with each problem reported at `path`.
 */
export type Render = (
  text: string,
  path: ReadonlyArray<string>,
  scope: TemplateScope,
) => string | undefined

/** A placeholder given as an Error cannot be filled: a text that uses it is a problem. */
export const makeRender =
  (
    context: TemplateContext,
    placeholders: Readonly<Record<string, string | Error>>,
    issues: ConfigIssue[],
  ): Render =>
  (text, path, scope) => {
    const rendered = renderTemplate(text, context, scope)
    const problems = Either.isLeft(rendered) ? [...rendered.left] : []
    const values: Record<string, string> = {}
    for (const [name, value] of Object.entries(placeholders)) {
      if (typeof value === "string") values[name] = value
      else if (text.includes(`{${name}}`)) problems.push(value.message)
    }
    for (const problem of problems) issues.push(issue(keyPath(...path), problem))
    return Either.isLeft(rendered) || problems.length > 0
      ? undefined
      : fillPlaceholders(rendered.right, values)
  }

/**
 * A data source's from expression, as metric-config-parser reads it (from-expression.ts):
 * rendered with `experiment` when it reads it, then `{dataset}` filled from `default_dataset`.
 */
export const renderFromExpression = (
  render: Render,
  issues: ConfigIssue[],
  fromExpression: string,
  defaultDataset: string | undefined,
  path: ReadonlyArray<string>,
): string | undefined => {
  const fromPath = [...path, "from_expression"]
  const rendered = readsExperiment(fromExpression)
    ? render(fromExpression, fromPath, scopes.experimentOnly)
    : fromExpression
  if (rendered === undefined) return undefined
  return Either.match(formatFromExpression(rendered, defaultDataset), {
    onLeft: (problem) => {
      issues.push(issue(keyPath(...fromPath), problem))
      return undefined
    },
    onRight: (formatted) => formatted,
  })
}

/** A segment data source's from expression: always Jinja, with `experiment` (the parser's). */
export const renderSegmentFromExpression = (
  render: Render,
  issues: ConfigIssue[],
  fromExpression: string,
  defaultDataset: string | undefined,
  path: ReadonlyArray<string>,
): string | undefined => {
  if (fromExpression.includes("{dataset}") && defaultDataset === undefined) {
    issues.push(
      issue(keyPath(...path, "from_expression"), "uses {dataset} but sets no default_dataset"),
    )
    return undefined
  }
  const rendered = render(fromExpression, [...path, "from_expression"], scopes.experimentOnly)
  return rendered === undefined
    ? undefined
    : fillPlaceholders(rendered, { dataset: defaultDataset })
}
