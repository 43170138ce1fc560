import { identifier } from "./identifiers.js"

/** The column of `buildPopulationQuery` that counts a segment's clients. */
export const segmentCountColumn = (segment: string): string => `segment_${segment}`

/**
 * The clients of each branch in one window of a metrics table, in all (`clients`) and in each
 * segment (`segmentCountColumn`, a count of the segment's boolean column), a row per branch.
 */
export const buildPopulationQuery = (request: {
  readonly metricsTable: string
  /** The window's analysis_window_start. */
  readonly windowStart: number
  readonly segments: ReadonlyArray<string>
}): string => {
  const counts = request.segments
    .map(
      (segment) =>
        `,\n  COUNTIF(${identifier(segment)}) AS ${identifier(segmentCountColumn(segment))}`,
    )
    .join("")
  return `SELECT branch, COUNT(*) AS clients${counts}
FROM ${identifier(request.metricsTable)}
WHERE analysis_window_start = ${Math.trunc(request.windowStart)}
GROUP BY branch
ORDER BY branch`
}
