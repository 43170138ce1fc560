import type * as HelpDoc from "@effect/cli/HelpDoc"
import type * as Span from "@effect/cli/HelpDoc/Span"

/**
 * @effect/cli's help documents as plain words: its own rendering (HelpDoc.toAnsiText) styles
 * them with ANSI escapes and lays them out at its own width; ours is plain text in 100 columns
 * (help-text.ts), so it reads the document's structure instead.
 */

/** A span's words, without their styles. */
export const spanText = (span: Span.Span): string => {
  switch (span._tag) {
    case "Text":
    case "URI":
      return span.value
    case "Sequence":
      return spanText(span.left) + spanText(span.right)
    case "Highlight":
    case "Strong":
    case "Weak":
      return spanText(span.value)
  }
}

/** A document's parts in order: headers, paragraphs and the terms of description lists. */
export type HelpPart =
  | { readonly kind: "header"; readonly text: string }
  | { readonly kind: "paragraph"; readonly text: string }
  | {
      readonly kind: "definition"
      readonly term: string
      readonly paragraphs: ReadonlyArray<string>
    }

export const helpParts = (doc: HelpDoc.HelpDoc): ReadonlyArray<HelpPart> => {
  switch (doc._tag) {
    case "Empty":
      return []
    case "Header":
      return [{ kind: "header", text: spanText(doc.value) }]
    case "Paragraph":
      return [{ kind: "paragraph", text: spanText(doc.value) }]
    case "Sequence":
      return [...helpParts(doc.left), ...helpParts(doc.right)]
    case "Enumeration":
      return doc.elements.flatMap(helpParts)
    case "DescriptionList":
      return doc.definitions.map(([term, description]) => ({
        kind: "definition",
        term: spanText(term),
        paragraphs: paragraphsOf(description),
      }))
  }
}

/** The words of a document's paragraphs, one string each. */
export const paragraphsOf = (doc: HelpDoc.HelpDoc): ReadonlyArray<string> =>
  helpParts(doc).flatMap((part) => (part.kind === "paragraph" ? [part.text] : []))
