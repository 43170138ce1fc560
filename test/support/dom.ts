/**
 * Reading the DOM Chromium dumped (`--dump-dom`) without a DOM library: attributes and text
 * of elements, entities decoded. Enough for pages we render ourselves.
 */

const decode = (text: string): string =>
  text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) =>
      String.fromCodePoint(Number.parseInt(hex, 16)),
    )
    .replace(/&#(\d+);/g, (_, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(/&(lt|gt|quot|apos|nbsp|amp);/g, (_, name: string) =>
      name === "lt"
        ? "<"
        : name === "gt"
          ? ">"
          : name === "quot"
            ? '"'
            : name === "apos"
              ? "'"
              : name === "nbsp"
                ? "\u00a0"
                : "&",
    )

export const attributesOf = (tag: string): Map<string, string> =>
  new Map(
    [...tag.matchAll(/([\w:-]+)="([^"]*)"/g)].map(([, name = "", value = ""]) => [
      name,
      decode(value),
    ]),
  )

/** The visible text of a fragment of markup. */
export const textOf = (markup: string): string =>
  decode(markup.replace(/<[^>]*>/g, ""))
    .replace(/\s+/g, " ")
    .trim()

/** Elements that carry a data-testid, with their text (they hold no element of their own kind). */
export const byTestId = (
  dom: string,
  testId: string,
): ReadonlyArray<{ attributes: Map<string, string>; text: string }> =>
  [
    ...dom.matchAll(
      new RegExp(`<(\\w+)([^>]*data-testid="${testId}"[^>]*)>([\\s\\S]*?)</\\1>`, "g"),
    ),
  ].map(([, , attributes = "", inner = ""]) => ({
    attributes: attributesOf(attributes),
    text: textOf(inner),
  }))
