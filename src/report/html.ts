/**
 * Building markup from data without ever forgetting to escape it: `html` is a tagged
 * template whose interpolated strings and numbers are always escaped, and only markup made
 * by `html` itself (an `Html`) is inserted as it is. Slugs, names, descriptions and messages
 * come from Experimenter, config files and errors: they are data, never markup.
 */

/**
 * Markup that is safe to insert as it is: made by `html`, or with `new Html` from a constant
 * of this code (a stylesheet, a script) — never from data.
 */
export class Html {
  readonly #markup: string
  constructor(markup: string) {
    this.#markup = markup
  }
  toString(): string {
    return this.#markup
  }
}

/**
 * What may be interpolated. `false`, null and undefined render nothing, so that
 * `${condition && html`...`}` works; `true` is not accepted, as it would render "true".
 */
export type Interpolation =
  | Html
  | string
  | number
  | false
  | null
  | undefined
  | ReadonlyArray<Interpolation>

const entities: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
}

/** Text safe in element content and in quoted attribute values (both quote kinds). */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => entities[character] ?? character)

const render = (value: Interpolation): string => {
  if (value instanceof Html) return value.toString()
  if (value === false || value === null || value === undefined) return ""
  if (typeof value === "string") return escapeHtml(value)
  if (typeof value === "number") return escapeHtml(String(value))
  return value.map(render).join("")
}

/** A tagged template: the literal parts are markup, every interpolation is escaped. */
export const html = (
  strings: TemplateStringsArray,
  ...values: ReadonlyArray<Interpolation>
): Html => {
  let markup = strings[0] ?? ""
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? "")
  })
  return new Html(markup)
}
