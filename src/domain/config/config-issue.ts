/**
 * One problem found in a configuration file: where (a dotted key path inside the file)
 * and what, in words a person understands. Files report every issue, never only the first.
 *
 * An error is what metric-config-parser rejects too: the configuration cannot be used. A
 * warning is what it accepts and Slipstream still wants a person to see (an unknown key, a
 * statistic that cannot be computed): the configuration is used, the warning is reported
 * beside it, and `validate-config --strict` treats it as an error.
 */
export interface ConfigIssue {
  readonly path: string
  readonly message: string
  /** Absent for an error. */
  readonly severity?: "warning"
  /** The file, where the issue is reported away from it (a run's record of a layer's warning). */
  readonly file?: string
}

export const issue = (path: string, message: string): ConfigIssue => ({ path, message })

export const warning = (path: string, message: string): ConfigIssue => ({
  path,
  message,
  severity: "warning",
})

export const isWarning = (entry: ConfigIssue): boolean => entry.severity === "warning"

export const errorsOf = (issues: ReadonlyArray<ConfigIssue>): ReadonlyArray<ConfigIssue> =>
  issues.filter((entry) => !isWarning(entry))

export const warningsOf = (issues: ReadonlyArray<ConfigIssue>): ReadonlyArray<ConfigIssue> =>
  issues.filter(isWarning)

/** The same issues, each a warning: what metric-config-parser never looks at. */
export const asWarnings = (issues: ReadonlyArray<ConfigIssue>): ReadonlyArray<ConfigIssue> =>
  issues.map(({ path, message }) => warning(path, message))

/** Joins key path segments the way TOML spells them: `metrics.active_hours.statistics`. */
export const keyPath = (...segments: ReadonlyArray<string | number>): string =>
  segments
    .filter((segment) => segment !== "")
    .map((segment) =>
      typeof segment === "number"
        ? `[${segment}]`
        : /^[A-Za-z0-9_-]+$/.test(segment)
          ? segment
          : JSON.stringify(segment),
    )
    .join(".")
    .replace(/\.\[/g, "[")

/** Levenshtein distance, small inputs only (key names). */
const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/**
 * The candidate closest to `word`, when close enough to be a plausible typo
 * (at most a third of the word's length in edits, or a shared prefix/suffix).
 */
export const closestMatch = (word: string, candidates: Iterable<string>): string | undefined => {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  if (best === undefined) return undefined
  const related =
    bestDistance <= Math.max(2, Math.floor(word.length / 3)) ||
    best.includes(word) ||
    word.includes(best)
  return related ? best : undefined
}

/** ` (did you mean "x"?)` or nothing. */
export const didYouMean = (word: string, candidates: Iterable<string>): string => {
  const match = closestMatch(word, candidates)
  return match === undefined ? "" : ` (did you mean "${match}"?)`
}
