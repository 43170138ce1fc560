/** Removes the common leading indentation of a multi-line TOML string, as Python's dedent. */
export const dedent = (text: string): string => {
  const lines = text.replace(/^\n/, "").split("\n")
  const indents = lines
    .filter((line) => line.trim() !== "")
    .map((line) => /^[ \t]*/.exec(line)?.[0].length ?? 0)
  const common = indents.length === 0 ? 0 : Math.min(...indents)
  return lines
    .map((line) => line.slice(common))
    .join("\n")
    .trimEnd()
}
