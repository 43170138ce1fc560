/*
 * Why our own pool and not @effect/platform's Worker.makePool (0.97, with NodeWorker):
 * - A thread that cannot start: the platform's manager waits for the worker's "ready"
 *   message before the pool exists and respawns a failed worker every second, without
 *   bound, logging a warning each time; makePool waits for its first worker, so a worker
 *   script that fails to load hangs the run. Here, after `maxDeathsInARow` deaths with no
 *   task finished, every task fails with the reason, and the run reports it.
 * - Stopping: the platform asks a worker to close and waits up to 5 s before killing it,
 *   but a thread inside a bootstrap does not read messages until it is done; here
 *   `terminate()` stops it at once, so Ctrl-C does not wait for the statistics.
 * What the platform would add — spans across threads, transferables, streams of replies,
 * a runner fiber in each thread — this pool does not need: a task goes out by structured
 * clone (typed arrays copied, as they would be there without a transfer list) and one reply
 * comes back.
 */
import { createRequire } from "node:module"
import { pathToFileURL } from "node:url"
import { Worker } from "node:worker_threads"
import { Effect, Either, type Scope } from "effect"
import type { StatisticOutput } from "../../stats/sample-summary.js"
import {
  computationError,
  type SummaryComputationError,
  type SummaryTask,
  type TaskFailure,
} from "./summary-task.js"

type Reply = { readonly output: StatisticOutput } | TaskFailure

interface Job {
  readonly task: SummaryTask
  readonly settle: (result: Either.Either<StatisticOutput, SummaryComputationError>) => void
}

/**
 * A new thread running the worker's script. Compiled, the script is the JavaScript beside
 * this file. Run from source (tests, `node --import tsx`), it is the TypeScript, and the
 * thread first registers tsx's loader itself: `--import` in a worker's execArgv does not
 * reach the worker's own entry module.
 */
const startWorker = (): Worker => {
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./summary-worker.js", import.meta.url))
  const script = new URL("./summary-worker.ts", import.meta.url).href
  const loader = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api")).href
  return new Worker(
    `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(script)}) })`,
    { eval: true },
  )
}

/** Threads that may die one after another, with no task finishing, before the pool gives up. */
const maxDeathsInARow = 3

/**
 * Worker threads that compute statistics, one task per thread at a time, first come first
 * served. A thread that dies fails only its task and is replaced.
 */
class SummaryWorkerPool {
  private readonly queue: Job[] = []
  private readonly idle: Worker[] = []
  private readonly running = new Map<Worker, Job>()
  private readonly retired = new Set<Worker>()
  private closed = false
  /** Threads that died since a task last finished: a thread that cannot even start would otherwise be replaced forever. */
  private deathsInARow = 0
  /** Why the pool gave up on its threads, once it has. */
  private broken: string | undefined

  constructor(
    threads: number,
    private readonly start: () => Worker,
  ) {
    for (let thread = 0; thread < threads; thread++) this.idle.push(this.spawn())
  }

  submit(job: Job): void {
    if (this.broken !== undefined) {
      job.settle(Either.left(this.failure(job, this.broken)))
      return
    }
    this.queue.push(job)
    this.dispatch()
  }

  /** Forgets a job not yet started (its fiber was interrupted); a started one runs out. */
  cancel(job: Job): void {
    const index = this.queue.indexOf(job)
    if (index !== -1) this.queue.splice(index, 1)
  }

  async close(): Promise<void> {
    this.closed = true
    for (const job of this.queue.splice(0)) job.settle(Either.left(this.failure(job, "closed")))
    const workers = [...this.idle, ...this.running.keys()]
    this.idle.length = 0
    await Promise.all(workers.map((worker) => worker.terminate()))
  }

  private spawn(): Worker {
    const worker = this.start()
    worker.on("message", (reply: Reply) => this.finish(worker, reply))
    worker.on("error", (error) => this.retire(worker, `worker thread failed: ${error.message}`))
    worker.on("exit", (code) => {
      if (!this.closed) this.retire(worker, `worker thread exited with code ${code}`)
    })
    return worker
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()
      const job = this.queue.shift()
      if (worker === undefined || job === undefined) return
      try {
        worker.postMessage(job.task)
        this.running.set(worker, job)
      } catch (error) {
        // A task that cannot be copied to a thread (structured clone) fails alone.
        this.idle.push(worker)
        job.settle(
          Either.left(
            this.failure(job, `cannot send the task to a worker thread: ${String(error)}`),
          ),
        )
      }
    }
  }

  private finish(worker: Worker, reply: Reply): void {
    this.deathsInARow = 0
    const job = this.running.get(worker)
    this.running.delete(worker)
    this.idle.push(worker)
    if (job !== undefined) {
      job.settle(
        "output" in reply
          ? Either.right(reply.output)
          : Either.left(computationError(job.task.stream, reply)),
      )
    }
    this.dispatch()
  }

  /** A thread that erred or exited: its task fails, a new thread takes its place. */
  private retire(worker: Worker, message: string): void {
    if (this.retired.has(worker)) return
    this.retired.add(worker)
    const job = this.running.get(worker)
    this.running.delete(worker)
    const idleIndex = this.idle.indexOf(worker)
    if (idleIndex !== -1) this.idle.splice(idleIndex, 1)
    void worker.terminate()
    if (job !== undefined) job.settle(Either.left(this.failure(job, message)))
    if (this.closed) return
    this.deathsInARow += 1
    if (this.deathsInARow > maxDeathsInARow) {
      this.broken = `worker threads keep dying (${this.deathsInARow} in a row), the last: ${message}`
      for (const waiting of this.queue.splice(0)) {
        waiting.settle(Either.left(this.failure(waiting, this.broken)))
      }
      return
    }
    this.idle.push(this.spawn())
    this.dispatch()
  }

  private failure(job: Job, message: string): SummaryComputationError {
    return computationError(job.task.stream, { failure: message })
  }
}

/** A pool of `threads` worker threads for the scope's lifetime; its `compute` queues a task. */
export const makeWorkerPool = (
  threads: number,
  start: () => Worker = startWorker,
): Effect.Effect<
  (task: SummaryTask) => Effect.Effect<StatisticOutput, SummaryComputationError>,
  never,
  Scope.Scope
> =>
  Effect.acquireRelease(
    Effect.sync(() => new SummaryWorkerPool(threads, start)),
    (pool) => Effect.promise(() => pool.close()),
  ).pipe(
    Effect.map(
      (pool) => (task: SummaryTask) =>
        Effect.async<StatisticOutput, SummaryComputationError>((resume) => {
          const job: Job = { task, settle: (result) => resume(result) }
          pool.submit(job)
          return Effect.sync(() => pool.cancel(job))
        }),
    ),
  )
