import { Worker } from "node:worker_threads"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Fiber } from "effect"
import { makeWorkerPool } from "../../src/services/summary-computer/worker-pool.js"
import {
  computeSummaryTask,
  SummaryComputationError,
  SummaryComputer,
  type SummaryTask,
} from "../../src/services/summary-computer.js"
import {
  type Statistic,
  type StatisticName,
  statisticOf,
} from "../../src/stats/catalogue/statistic-catalogue.js"
import { decileLevels } from "../../src/stats/deciles.js"
import { linearModelSumsOf } from "../../src/stats/linear-model.js"
import { orderStatisticsInBands } from "../../src/stats/order-statistics.js"
import { ratioDataOf } from "../../src/stats/population-ratio.js"
import { seededRandom } from "../../src/stats/random.js"
import { histogramOf } from "../../src/stats/value-histogram.js"

/**
 * Statistics on worker threads (the real pool: threads running the TypeScript worker through
 * tsx) give exactly what the calling thread gives: every task carries its seed and stream.
 */
const random = seededRandom(11)
const branch = (shift: number) => {
  const values = Float64Array.from({ length: 2000 }, () =>
    Math.floor(10 * random.nextDouble() + shift),
  )
  const covariate = values.map((value) => value + Math.floor(3 * random.nextDouble()))
  return {
    clients: values.length,
    histogram: histogramOf(values),
    orderStatistics: orderStatisticsInBands(values, decileLevels),
    sums: linearModelSumsOf(values, covariate),
    ratio: ratioDataOf(
      values.map((value) => Math.floor(value / 2)),
      values,
    ),
  }
}
const aggregates = new Map([
  ["control", branch(0)],
  ["treatment", branch(2)],
])
/** binomial's data are 0/1: each client's value's parity. */
const binaryAggregates = new Map(
  [...aggregates].map(([name, { clients, histogram }]) => {
    const odd = histogram.values.reduce(
      (total, value, index) => total + (value % 2) * (histogram.counts[index] ?? 0),
      0,
    )
    const counts = Float64Array.of(clients - odd, odd)
    return [name, { clients, histogram: { values: Float64Array.of(0, 1), counts } }]
  }),
)
const statistics: ReadonlyArray<Statistic> = (
  [
    ["bootstrap_mean", { num_samples: 400 }],
    ["binomial", {}],
    ["deciles", { num_samples: 200 }],
    ["linear_model_mean", { covariate_adjustment: { period: "preenrollment_week" } }],
    ["population_ratio", { numerator: "n", denominator: "d", num_samples: 400 }],
    ["kernel_density_estimate", {}],
    ["empirical_cdf", {}],
    ["sum", {}],
  ] as ReadonlyArray<readonly [StatisticName, object]>
).map(([name, parameters]) => statisticOf(name, parameters))
const tasks: ReadonlyArray<SummaryTask> = statistics.map((statistic) => ({
  statistic,
  aggregates: statistic.name === "binomial" ? binaryAggregates : aggregates,
  seed: 3,
  stream: `demo/${statistic.name}`,
}))
/** A grid of no points: the density kernel throws a RangeError. */
const throwingTask: SummaryTask = {
  // Past the schema (a grid needs points), as a task sent to a worker could be.
  statistic: {
    name: "kernel_density_estimate",
    parameters: {
      bandwidth: "scott",
      adjust: 1,
      kernel: "gaussian",
      grid_size: 0,
      log_space: false,
    },
  },
  aggregates,
  seed: 3,
  stream: "demo/broken",
}

const onCallingThread = Effect.forEach(tasks, computeSummaryTask)

describe("SummaryComputer", () => {
  it.effect("computes on worker threads exactly what the calling thread computes", () =>
    Effect.gen(function* () {
      const here = yield* onCallingThread
      const computer = yield* SummaryComputer
      const onThreads = yield* Effect.forEach(tasks, computer.compute, { concurrency: "unbounded" })
      expect(onThreads).toEqual(here)
      const sumRows = onThreads[tasks.findIndex((task) => task.statistic.name === "sum")]?.rows
      // Σ values of each branch, as the linear-model sums hold them.
      expect(
        sumRows?.find((row) => row.branch === "control" && row.comparison === undefined),
      ).toMatchObject({ point: aggregates.get("control")?.sums.sumY })
    }).pipe(Effect.provide(SummaryComputer.workerThreads(2))),
  )

  it.effect("fails a task that throws with its stream and message, and goes on with the rest", () =>
    Effect.gen(function* () {
      const computer = yield* SummaryComputer
      const [broken, ...rest] = yield* Effect.forEach(
        [throwingTask, ...tasks],
        (task) => Effect.either(computer.compute(task)),
        { concurrency: "unbounded" },
      )
      if (broken === undefined || Either.isRight(broken)) throw new Error("a failure expected")
      expect(broken.left).toMatchObject({
        _tag: "SummaryComputationError",
        stream: "demo/broken",
        message: "a grid needs a positive whole number of points, got 0",
      })
      // What the statistic threw keeps its stack across the thread, for the logs' exception.
      expect(broken.left.cause?.stack).toMatch(/^RangeError: a grid needs[\s\S]*grid\.ts/)
      expect(rest.every(Either.isRight)).toBe(true)
      // A task a thread cannot be sent (a function does not survive structured cloning).
      const unsendable = {
        ...throwingTask,
        statistic: { name: "sum", parameters: { weight: () => 1 } },
      } as unknown as SummaryTask
      const refused = yield* Effect.either(computer.compute(unsendable))
      expect(Either.isLeft(refused) && refused.left.message).toMatch(
        /^cannot send the task to a worker thread: DataCloneError/,
      )
      expect(yield* computer.compute(throwingTask).pipe(Effect.flip)).toBeInstanceOf(
        SummaryComputationError,
      )
    }).pipe(Effect.provide(SummaryComputer.workerThreads(1))),
  )

  it.effect("fails a task whose statistic refuses its data with the refusal, there as here", () =>
    Effect.gen(function* () {
      // binomial of values 0 to 11: not outcomes, refused rather than counted.
      const refusing: SummaryTask = {
        statistic: statisticOf("binomial"),
        aggregates,
        seed: 3,
        stream: "demo/binomial-of-counts",
      }
      const here = yield* Effect.flip(computeSummaryTask(refusing))
      const there = yield* Effect.flip((yield* SummaryComputer).compute(refusing))
      expect(there).toEqual(here)
      expect(here).toBeInstanceOf(SummaryComputationError)
      expect(here.message).toMatch(
        /^binomial needs values 0 or 1 \(or a boolean\) per client: branch control: \d+ of 2000 clients have other values \(e\.g\. 2\)/,
      )
    }).pipe(Effect.provide(SummaryComputer.workerThreads(1))),
  )

  it.effect("computes on the calling thread when no SummaryComputer is provided", () =>
    Effect.gen(function* () {
      const broken = yield* Effect.either(computeSummaryTask(throwingTask))
      expect(Either.isLeft(broken) && broken.left._tag).toBe("SummaryComputationError")
      expect(Either.isLeft(broken) && broken.left.cause?.stack).toMatch(/grid\.ts/)
      const here = yield* onCallingThread
      const inProcess = yield* onCallingThread.pipe(Effect.provide(SummaryComputer.inProcess))
      expect(inProcess).toEqual(here)
      expect(here.every((output) => output.rows.length > 0)).toBe(true)
    }),
  )

  it.effect("lets a waiting task's fiber be interrupted, and serves the next", () =>
    Effect.gen(function* () {
      const computer = yield* SummaryComputer
      const [first, second] = tasks
      if (first === undefined || second === undefined) throw new Error("two tasks expected")
      const running = yield* Effect.fork(computer.compute(first))
      const waiting = yield* Effect.fork(computer.compute(second))
      const interrupted = yield* Fiber.interrupt(waiting)
      expect(Exit.isInterrupted(interrupted)).toBe(true)
      expect(yield* Fiber.join(running)).toEqual(yield* computeSummaryTask(first))
      expect(yield* computer.compute(second)).toEqual(yield* computeSummaryTask(second))
    }).pipe(Effect.provide(SummaryComputer.workerThreads(1))),
  )

  it.scoped("gives up on threads that die as they start, failing tasks instead of waiting", () =>
    Effect.gen(function* () {
      const compute = yield* makeWorkerPool(
        2,
        () => new Worker("throw new Error('no statistics here')", { eval: true }),
      )
      const messages: string[] = []
      for (const task of [...tasks, ...tasks]) {
        messages.push((yield* Effect.flip(compute(task))).message)
      }
      expect(messages.every((message) => message.includes("no statistics here"))).toBe(true)
      expect(messages.at(-1)).toMatch(/^worker threads keep dying \(\d+ in a row\)/)
    }),
  )
})
