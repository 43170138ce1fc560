import type { Metric } from "../../domain/config/analysis-configuration.js"
import { unsupportedConstructs } from "./duckdb-compatibility.js"

/** A metric DuckDB cannot compute, and why, in words naming metric, data source and construct. */
export interface DuckDbProblem {
  readonly metric: string
  readonly dataSource: string
  readonly construct: string
  readonly message: string
}

/**
 * The metrics whose select expression or data source uses a construct DuckDB cannot run, so
 * that a run on the embedded warehouse can leave exactly those out and say why, before any
 * query fails.
 */
export const duckDbProblems = (metrics: ReadonlyArray<Metric>): ReadonlyArray<DuckDbProblem> =>
  metrics.flatMap((metric) => {
    const source = metric.dataSource
    if (source === undefined) return []
    const found = [
      ...unsupportedConstructs(metric.selectExpression ?? "").map((problem) => ({
        ...problem,
        where: "select expression",
      })),
      ...unsupportedConstructs(source.fromExpression).map((problem) => ({
        ...problem,
        where: "from expression",
      })),
    ]
    return found.map(({ construct, reason, where }) => ({
      metric: metric.name,
      dataSource: source.name,
      construct,
      message: `metric "${metric.name}" (data source "${source.name}", ${where}) uses ${construct}, which DuckDB cannot run: ${reason}`,
    }))
  })
