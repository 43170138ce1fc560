import { Data } from "effect"
import type { Statistic } from "../../stats/catalogue/statistic-catalogue.js"
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
  /** What the statistic threw, with its stack (from the worker thread it ran on). */
  readonly cause?: Error
}> {}

/** A failed task as it crosses threads: an Error does not survive cloning, its parts do. */
export interface TaskFailure {
  readonly failure: string
  readonly stack?: string
}

/** The error of a failed task, the thrown error rebuilt with its stack when there was one. */
export const computationError = (stream: string, { failure, stack }: TaskFailure) => {
  if (stack === undefined) return new SummaryComputationError({ stream, message: failure })
  const cause = new Error(failure)
  cause.stack = stack
  return new SummaryComputationError({ stream, message: failure, cause })
}

/**
 * The task's statistic, here and now; a refusal of its data (`StatisticOutput.refused`) or a
 * thrown error becomes the failure's message.
 */
export const computeTask = (
  task: SummaryTask,
): { readonly output: StatisticOutput } | TaskFailure => {
  try {
    const output = computeSummaryOnAggregates(task.statistic, task.aggregates, {
      seed: task.seed,
      stream: task.stream,
    })
    return output.refused === undefined ? { output } : { failure: output.refused }
  } catch (error) {
    return error instanceof Error
      ? { failure: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) }
      : { failure: String(error) }
  }
}
