/**
 * What goes wrong rendering a template, in Jinja's three kinds: the template does not parse
 * (TemplateSyntaxError), a name is not defined (UndefinedError, as with StrictUndefined), or
 * a value cannot take an operation (TypeError and the like, Python's runtime errors).
 *
 * The parser and the evaluator are recursive: they throw a JinjaError and the entry points
 * (render.ts) catch it into an Either, so no caller sees an exception.
 */
export type JinjaErrorKind = "syntax" | "undefined" | "runtime"

export class JinjaError extends Error {
  constructor(
    readonly kind: JinjaErrorKind,
    message: string,
    /** 1-based line of the template the error is on, when known. */
    readonly line?: number,
  ) {
    super(message)
  }
}

export const syntaxError = (message: string, line: number): JinjaError =>
  new JinjaError("syntax", message, line)

export const runtimeError = (message: string): JinjaError => new JinjaError("runtime", message)
