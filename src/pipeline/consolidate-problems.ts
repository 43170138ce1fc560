import type { Problem } from "./problem.js"

/**
 * One problem per (experiment, window, metric, statistic, level) instead of one per segment,
 * basis and branch pair: a window of a dozen segments would otherwise repeat the same words a
 * dozen times and bury the problems that matter. The merged message keeps every distinct
 * message with the segments and bases it was seen in.
 */

/** Distinct messages spelled out in one merged problem; the rest are counted. */
const messagesSpelledOut = 12

const groupKey = (problem: Problem): string =>
  JSON.stringify([
    problem.experiment,
    problem.analysisDate,
    problem.period,
    problem.windowIndex,
    problem.metric,
    problem.statistic,
    problem.level,
  ])

const distinct = <A>(values: ReadonlyArray<A>): ReadonlyArray<A> => [...new Set(values)]

interface Place {
  readonly segment: string | null
  readonly basis: string | null
}

const listed = (singular: string, plural: string, names: ReadonlyArray<string>) =>
  `${names.length === 1 ? singular : plural} ${names.join(", ")}`

/** "segments all, new_users; basis enrollments", or the pairs when they are not a product. */
const placesText = (places: ReadonlyArray<Place>): string => {
  const segments = distinct(places.flatMap(({ segment }) => (segment === null ? [] : [segment])))
  const bases = distinct(places.flatMap(({ basis }) => (basis === null ? [] : [basis])))
  const pairs = distinct(places.map(({ segment, basis }) => `${segment}/${basis}`))
  if (pairs.length === Math.max(1, segments.length) * Math.max(1, bases.length)) {
    return [
      ...(segments.length === 0 ? [] : [listed("segment", "segments", segments)]),
      ...(bases.length === 0 ? [] : [listed("basis", "bases", bases)]),
    ].join("; ")
  }
  return `segment/basis ${pairs.join(", ")}`
}

const mergedMessage = (group: readonly [Problem, ...Problem[]]): string => {
  const byMessage = new Map<string, Place[]>()
  for (const problem of group) {
    const places = byMessage.get(problem.message) ?? []
    places.push({ segment: problem.segment, basis: problem.analysisBasis })
    byMessage.set(problem.message, places)
  }
  const everywhere = placesText(
    group.map((problem) => ({ segment: problem.segment, basis: problem.analysisBasis })),
  )
  const messages = [...byMessage].map(([message, places]) => ({
    message,
    places: placesText(places),
  }))
  const spelled = messages.slice(0, messagesSpelledOut)
  const more =
    messages.length > spelled.length ? [`and ${messages.length - spelled.length} more`] : []
  if (messages.every(({ places }) => places === everywhere)) {
    return `${[...spelled.map(({ message }) => message), ...more].join("; ")} (${everywhere})`
  }
  return [...spelled.map(({ message, places }) => `${message} (${places})`), ...more].join("; ")
}

const sameOrNull = <A>(values: ReadonlyArray<A | null>): A | null => {
  const unique = distinct(values)
  return unique.length === 1 ? (unique[0] ?? null) : null
}

const merged = (group: readonly [Problem, ...Problem[]]): Problem => {
  const [first] = group
  if (group.length === 1) return first
  return {
    ...first,
    timestamp: group.map(({ timestamp }) => timestamp).sort()[0] ?? first.timestamp,
    segment: sameOrNull(group.map(({ segment }) => segment)),
    analysisBasis: sameOrNull(group.map(({ analysisBasis }) => analysisBasis)),
    message: mergedMessage(group),
    exceptionType: distinct(group.map(({ exceptionType }) => exceptionType)).join(", "),
    exception: group.find(({ exception }) => exception !== null)?.exception ?? null,
  }
}

/** Problems merged per (experiment, window, metric, statistic, level), in first-seen order. */
export const consolidateProblems = (problems: ReadonlyArray<Problem>): ReadonlyArray<Problem> => {
  const groups = new Map<string, [Problem, ...Problem[]]>()
  for (const problem of problems) {
    const key = groupKey(problem)
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [problem])
    else group.push(problem)
  }
  return [...groups.values()].map(merged)
}
