import { availableParallelism } from "node:os"
import { Context, Effect, Layer, Option } from "effect"
import type { StatisticOutput } from "../stats/sample-summary.js"
import {
  computationError,
  computeTask,
  type SummaryComputationError,
  type SummaryTask,
} from "./summary-computer/summary-task.js"
import { makeWorkerPool } from "./summary-computer/worker-pool.js"

export { SummaryComputationError, type SummaryTask } from "./summary-computer/summary-task.js"

/** Worker threads the CLI uses unless told otherwise: one per core. */
export const defaultStatisticsThreads = availableParallelism()

const computeHere = (task: SummaryTask): Effect.Effect<StatisticOutput, SummaryComputationError> =>
  Effect.suspend(() => {
    const result = computeTask(task)
    return "output" in result
      ? Effect.succeed(result.output)
      : Effect.fail(computationError(task.stream, result))
  })

/**
 * Where statistics are computed from push-down aggregates. The bootstrap is the run's
 * CPU-bound part; on the calling thread it leaves every other core idle, so the CLI
 * computes on worker threads. Results are the same either way: each task carries its seed
 * and random stream.
 */
export class SummaryComputer extends Context.Tag("slipstream/SummaryComputer")<
  SummaryComputer,
  {
    readonly compute: (task: SummaryTask) => Effect.Effect<StatisticOutput, SummaryComputationError>
  }
>() {
  /** On the calling thread (what runs when no SummaryComputer is provided). */
  static readonly inProcess: Layer.Layer<SummaryComputer> = Layer.succeed(SummaryComputer, {
    compute: computeHere,
  })

  /** On `threads` worker threads for the layer's lifetime; 0 computes on the calling thread. */
  static readonly workerThreads = (threads: number): Layer.Layer<SummaryComputer> =>
    threads < 1
      ? SummaryComputer.inProcess
      : Layer.scoped(
          SummaryComputer,
          makeWorkerPool(threads).pipe(Effect.map((compute) => ({ compute }))),
        )
}

/** Computes `task` on the provided SummaryComputer, or on the calling thread without one. */
export const computeSummaryTask = (
  task: SummaryTask,
): Effect.Effect<StatisticOutput, SummaryComputationError> =>
  Effect.serviceOption(SummaryComputer).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () => computeHere(task),
        onSome: (computer) => computer.compute(task),
      }),
    ),
  )
