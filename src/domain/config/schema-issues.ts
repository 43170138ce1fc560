import { ParseResult } from "effect"
import { type ConfigIssue, didYouMean, issue, keyPath, warning } from "./config-issue.js"

/** Keys people write for another key that spelling distance would not suggest. */
const knownMistakes: Readonly<Record<string, string>> = {
  exposure_basis: "analysis_bases",
  exposure_bases: "analysis_bases",
  analysis_basis: "analysis_bases",
  enrollment_query_type: "enrollments_query_type",
}

/**
 * Turns an Effect Schema parse error into configuration issues: one per key path,
 * union alternatives merged into a single "expected A or B" message, excess keys
 * reported as unknown with the closest valid key. An unknown key is a warning: cattrs, which
 * metric-config-parser decodes with, ignores keys it does not know.
 */
export const issuesFromParseError = (
  error: ParseResult.ParseError,
  basePath: ReadonlyArray<string | number>,
): ReadonlyArray<ConfigIssue> => {
  const expectedByPath = new Map<string, { expected: string[]; actual: string }>()
  const issues: ConfigIssue[] = []
  for (const parseIssue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const segments = parseIssue.path.map((segment) =>
      typeof segment === "number" ? segment : String(segment),
    )
    const path = keyPath(...basePath, ...segments)
    if (parseIssue._tag === "Unexpected") {
      const key = String(segments[segments.length - 1] ?? "")
      const validKeys = [...parseIssue.message.matchAll(/"([^"]+)"/g)].map(
        (match) => match[1] ?? "",
      )
      const knownMistake = knownMistakes[key]
      const hint =
        knownMistake !== undefined && validKeys.includes(knownMistake)
          ? ` (did you mean "${knownMistake}"?)`
          : didYouMean(key, validKeys)
      issues.push(warning(path, `unknown key "${key}"${hint}; it is ignored`))
      continue
    }
    if (parseIssue._tag === "Missing") {
      issues.push(issue(path, "is required but missing"))
      continue
    }
    const typeMismatch = /^Expected (.+), actual (.+)$/s.exec(parseIssue.message)
    if (typeMismatch !== null) {
      const entry = expectedByPath.get(path) ?? { expected: [], actual: typeMismatch[2] ?? "" }
      entry.expected.push(typeMismatch[1] ?? "")
      expectedByPath.set(path, entry)
      continue
    }
    issues.push(issue(path, parseIssue.message))
  }
  for (const [path, { expected, actual }] of expectedByPath) {
    const alternatives = [...new Set(expected)].map(humanType)
    issues.push(issue(path, `expected ${alternatives.join(" or ")}, got ${actual}`))
  }
  return issues.sort((a, b) => a.path.localeCompare(b.path))
}

/** Schema's type names, in the words of a TOML author. */
const humanType = (schemaType: string): string => {
  switch (schemaType) {
    case "string":
      return "a string"
    case "number":
      return "a number"
    case "boolean":
      return "true or false"
    case "ReadonlyArray<string>":
      return "a list of strings"
    case "an integer":
    case "Int":
      return "an integer"
    default:
      return schemaType
  }
}
