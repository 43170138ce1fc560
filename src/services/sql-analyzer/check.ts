import { Data } from "effect"

/** A column a query (or CREATE TABLE/VIEW ... AS) returns, its type in GoogleSQL spelling. */
export interface OutputColumn {
  readonly name: string
  readonly type: string
}

/**
 * What the analyser thinks of one statement. "Invalid" is the statement's fault (syntax,
 * an unknown name, a type error); the message is ZetaSQL's, and line and column (1-based)
 * say where when it knows.
 */
export type SqlCheck = Data.TaggedEnum<{
  Valid: { readonly outputColumns: ReadonlyArray<OutputColumn> }
  Invalid: { readonly message: string; readonly line?: number; readonly column?: number }
}>

export const SqlCheck = Data.taggedEnum<SqlCheck>()
