import { Data } from "effect"

/** The npm package that ships ZetaSQL, and the exact version the analyser is written for. */
export const zetaSqlPackage = "@fivetrandevelopers/zetasql"
export const zetaSqlVersion = "1.13.0"

/**
 * The optional package that ships ZetaSQL is not installed (production installs omit it), or
 * has no server for this platform. The message says how to install it.
 */
export class SqlAnalyzerUnavailable extends Data.TaggedError("SqlAnalyzerUnavailable")<{
  readonly message: string
}> {}

export const notInstalledMessage = (reason: string): string =>
  `${reason}. SQL analysis (e.g. \`slipstream validate-config --dry-run\`) needs the optional ` +
  `package ${zetaSqlPackage}; install it with: ` +
  `npm install --no-save ${zetaSqlPackage}@${zetaSqlVersion}`

/**
 * The analyser itself failed, not the SQL it was given: the server did not start, exited,
 * or a call to it failed; or a catalog could not be registered (a column type it cannot
 * read, a table declared twice). `cause` keeps the underlying error when there is one.
 */
export class SqlAnalyzerError extends Data.TaggedError("SqlAnalyzerError")<{
  readonly message: string
  readonly cause?: unknown
}> {}
