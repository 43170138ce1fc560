import {
  addToCollection,
  type ConfigCollection,
  emptyCollection,
} from "../../src/domain/config/collection.js"
import type { ConfigIssue } from "../../src/domain/config/config-issue.js"
import { parseConfigFile } from "../../src/domain/config/parse-file.js"

/**
 * A configuration collection from inline TOML, keyed by metric-hub path
 * (`definitions/fenix.toml`, `jetstream/defaults/fenix.toml`, ...), in order.
 * Decoding issues fail loudly: fixtures are meant to be valid unless a test says otherwise.
 */
export const collectionFrom = (files: Readonly<Record<string, string>>): ConfigCollection =>
  Object.entries(files).reduce((collection, [file, text]) => {
    const parsed = parseConfigFile(file, text)
    if (parsed.decoded === undefined || parsed.issues.length > 0) {
      throw new Error(`fixture ${file} is invalid: ${JSON.stringify(parsed.issues)}`)
    }
    return addToCollection(collection, parsed.decoded, { file })
  }, emptyCollection)

/** The issues of one inline file, decoded by the role of its path. */
export const issuesOf = (file: string, text: string): ReadonlyArray<ConfigIssue> =>
  parseConfigFile(file, text).issues

export const functionsToml = `
[functions.agg_sum]
definition = "COALESCE(SUM({select_expr}), 0)"
[functions.agg_any]
definition = "COALESCE(LOGICAL_OR({select_expr}), FALSE)"
`
