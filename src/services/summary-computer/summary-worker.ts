import { parentPort } from "node:worker_threads"
import { computeTask, type SummaryTask } from "./summary-task.js"

/** A thread of the worker pool (worker-pool.ts): computes each task it is sent, in order. */
parentPort?.on("message", (task: SummaryTask) => {
  parentPort?.postMessage(computeTask(task))
})
