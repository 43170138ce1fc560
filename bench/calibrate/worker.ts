/** A worker thread of `npm run calibrate`: runs the jobs it is sent, one at a time. */
import { parentPort } from "node:worker_threads"
import { type Job, runJob } from "./replicates.js"

const port = parentPort
if (port === null) throw new Error("bench/calibrate/worker.ts runs as a worker thread")
port.on("message", (job: Job) => {
  port.postMessage(runJob(job))
})
