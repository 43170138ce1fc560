import { Data } from "effect"
import type { Statistic } from "../../domain/config/analysis-configuration.js"
import type { StatisticOutput } from "../../stats/sample-summary.js"
import {
  type BranchAggregates,
  computeSummaryOnAggregates,
} from "../../stats/summary-on-aggregates.js"

/** One statistic on one segment's push-down aggregates: what a worker thread is sent. */
export interface SummaryTask {
  readonly statistic: Statistic
  readonly aggregates: ReadonlyMap<string, BranchAggregates>
  /** The seed and the random stream's name: results do not depend on where they ran. */
  readonly seed: number
  readonly stream: string
}

/** A statistic refused or threw (input it cannot use), or its worker thread died under it. */
export class SummaryComputationError extends Data.TaggedError("SummaryComputationError")<{
  readonly stream: string
  readonly message: string
}> {}

/**
 * The task's statistic, here and now; a refusal of its data (`StatisticOutput.refused`) or a
 * thrown error becomes the failure's message.
 */
export const computeTask = (
  task: SummaryTask,
): { readonly output: StatisticOutput } | { readonly failure: string } => {
  try {
    const output = computeSummaryOnAggregates(task.statistic, task.aggregates, {
      seed: task.seed,
      stream: task.stream,
    })
    return output.refused === undefined ? { output } : { failure: output.refused }
  } catch (error) {
    return { failure: error instanceof Error ? error.message : String(error) }
  }
}
