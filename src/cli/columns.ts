/** Help is laid out for a terminal of 100 columns, and never wider. */
export const helpWidth = 100

/** `text` in lines of at most `width` characters, broken between words (a longer word stands alone). */
export const wrapped = (text: string, width: number): ReadonlyArray<string> => {
  const lines: Array<string> = []
  let line = ""
  for (const word of text.split(/\s+/).filter((word) => word !== "")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line === "" ? word : `${line} ${word}`
    }
  }
  if (line !== "") lines.push(line)
  return lines
}

/** A paragraph wrapped to the help's width. */
export const paragraph = (text: string): string => wrapped(text, helpWidth).join("\n")

/**
 * Terms (a flag, a command) with their descriptions beside them, the descriptions aligned in
 * a column after the longest term up to `maxTermWidth`; a longer term pushes its description
 * along its own line. A description too long for its line continues under the column.
 */
export const definitionLines = (
  entries: ReadonlyArray<readonly [term: string, description: string]>,
  maxTermWidth: number,
): ReadonlyArray<string> => {
  const termWidth = Math.min(maxTermWidth, Math.max(0, ...entries.map(([term]) => term.length)))
  const column = 2 + termWidth + 2
  return entries.flatMap(([term, description]) => {
    const start = Math.max(column, 2 + term.length + 2)
    const head = `  ${term}`.padEnd(start)
    const [first = "", ...rest] = wrapped(description, helpWidth - start)
    const continued = wrapped(rest.join(" "), helpWidth - column)
    return [`${head}${first}`.trimEnd(), ...continued.map((line) => `${" ".repeat(column)}${line}`)]
  })
}
