/**
 * `npm run calibrate`: coverage of the intervals of every statistic that has one, on
 * simulated A/A experiments and experiments with a known effect (treatment ×1.05), from
 * realistic metrics (bench/calibrate/populations.ts). Each replicate draws two branches of n
 * clients, runs the statistic through `computeSummaryOnClients` at the 95% and the 90% level,
 * and checks whether the treatment-vs-control difference and relative uplift intervals
 * contain the exact population value of what the statistic estimates.
 *
 *   npm run calibrate -- [--replicates 1000] [--samples 500] [--sizes 200,1000,10000]
 *     [--only bootstrap_mean,deciles] [--buckets K] [--threads N] [--seed 1] [--json]
 *
 * The table (or JSON with --json) goes to stdout, progress to stderr.
 *
 * Why 500 bootstrap samples by default (the statistics' own default is 10,000): a bound is
 * the α-quantile of B draws, off by a normal error of variance α(1 − α)/(B·φ(z)²) in units
 * of the bootstrap standard deviation, which lowers the expected coverage by about
 * z·α(1 − α)/(B·φ(z)): 0.82/B at 95% (0.16 points at B = 500, 0.008 at 10,000) and 0.76/B
 * at 90%, a quarter of the binomial SE of 1,000 replicates (0.69 points). The default run
 * used 760 CPU-seconds on the 2-core development machine (2026-12-07): about 6½ minutes of
 * two free cores; 15 minutes while other jobs kept the machine busy (load average 6 to 10).
 * Without `--buckets`, values are bucketed as the statistics do by default (the bound of
 * src/stats/value-histogram.ts, the same on every path).
 */
import { createRequire } from "node:module"
import { availableParallelism } from "node:os"
import { pathToFileURL } from "node:url"
import { parseArgs } from "node:util"
import { Worker } from "node:worker_threads"
import { jsonReport, mergeTallies, type Settings } from "./calibrate/coverage.js"
import { cells, type MethodKey, methods, scenarios } from "./calibrate/methods.js"
import type { CellTally, Job } from "./calibrate/replicates.js"
import { textReport } from "./calibrate/report.js"

const usage = `usage: npm run calibrate -- [options]
  --replicates R   simulated experiments per row (1000)
  --samples B      num_samples of bootstrap_mean, deciles, population_ratio (500)
  --sizes a,b,...  clients per branch (200,1000,10000)
  --only s,...     statistics to run (${methods.map((method) => method.key).join(", ")})
  --buckets K      distinct values kept before quantile buckets (the statistics' default)
  --threads N      worker threads (${availableParallelism()}, the cores)
  --seed S         seed of the data and of the statistics (1)
  --json           machine-readable results on stdout`

const fail = (message: string): never => {
  process.stderr.write(`${message}\n${usage}\n`)
  process.exit(2)
}

const positiveInteger = (name: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback
  const value = Number(text)
  return Number.isSafeInteger(value) && value > 0
    ? value
    : fail(`--${name} must be a positive integer, got "${text}"`)
}

const settingsOf = (argv: ReadonlyArray<string>): { settings: Settings; json: boolean } => {
  const parsed = (() => {
    try {
      return parseArgs({
        args: [...argv],
        options: {
          replicates: { type: "string" },
          samples: { type: "string" },
          sizes: { type: "string" },
          only: { type: "string" },
          buckets: { type: "string" },
          threads: { type: "string" },
          seed: { type: "string" },
          json: { type: "boolean", default: false },
          help: { type: "boolean", default: false },
        },
      }).values
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error))
    }
  })()
  if (parsed.help) {
    process.stdout.write(`${usage}\n`)
    process.exit(0)
  }
  const only = parsed.only?.split(",").map((name) => name.trim())
  const unknown = (only ?? []).filter(
    (name) => !methods.some((method) => method.key === name || method.statistic === name),
  )
  if (unknown.length > 0) fail(`--only: unknown statistic ${unknown.join(", ")}`)
  const selected: ReadonlyArray<MethodKey> = methods
    .filter(
      (method) =>
        only === undefined || only.includes(method.key) || only.includes(method.statistic),
    )
    .map((method) => method.key)
  const sizes = (parsed.sizes ?? "200,1000,10000")
    .split(",")
    .map((size) => positiveInteger("sizes", size.trim(), 0))
  const seed = parsed.seed === undefined ? 1 : Number(parsed.seed)
  if (!Number.isSafeInteger(seed) || seed < 0) fail(`--seed must be an integer ≥ 0`)
  return {
    settings: {
      replicates: positiveInteger("replicates", parsed.replicates, 1000),
      samples: positiveInteger("samples", parsed.samples, 500),
      ...(parsed.buckets === undefined
        ? {}
        : { buckets: positiveInteger("buckets", parsed.buckets, 0) }),
      sizes,
      methods: selected,
      seed,
      threads: positiveInteger("threads", parsed.threads, availableParallelism()),
    },
    json: parsed.json,
  }
}

/** Batches of replicates per (metric, n, scenario), the largest experiments first. */
const jobsOf = (settings: Settings): Job[] => {
  const batch = Math.max(1, Math.ceil(settings.replicates / 40))
  const populations = [
    ...new Set(
      cells.filter((cell) => settings.methods.includes(cell.method)).map((cell) => cell.population),
    ),
  ]
  const jobs: Job[] = []
  for (const clients of [...settings.sizes].sort((a, b) => b - a)) {
    for (const population of populations) {
      const jobMethods = cells
        .filter((cell) => cell.population === population && settings.methods.includes(cell.method))
        .map((cell) => cell.method)
      for (const scenario of scenarios) {
        for (let first = 0; first < settings.replicates; first += batch) {
          jobs.push({
            population,
            clients,
            scenario,
            firstReplicate: first,
            replicates: Math.min(batch, settings.replicates - first),
            methods: jobMethods,
            samples: settings.samples,
            ...(settings.buckets === undefined ? {} : { buckets: settings.buckets }),
            seed: settings.seed,
          })
        }
      }
    }
  }
  return jobs
}

/** A worker running the TypeScript of bench/calibrate/worker.ts through tsx's loader. */
const startWorker = (): Worker => {
  const script = new URL("./calibrate/worker.ts", import.meta.url).href
  const loader = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api")).href
  return new Worker(
    `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(script)}) })`,
    { eval: true },
  )
}

/**
 * Runs the batches on `threads` workers, first come first served, and merges their tallies
 * in batch order, so that sums of floats (widths, errors) do not depend on which thread
 * finished first.
 */
const runJobs = (jobs: ReadonlyArray<Job>, threads: number): Promise<Map<string, CellTally>> =>
  new Promise((resolve, reject) => {
    const results: Array<ReadonlyArray<CellTally>> = []
    const finish = () => {
      const tallies = new Map<string, CellTally>()
      for (const result of results) mergeTallies(tallies, result)
      resolve(tallies)
    }
    if (jobs.length === 0) finish()
    const started = performance.now()
    const running = new Map<Worker, number>()
    let next = 0
    let done = 0
    let lastReport = started
    const workers = Array.from({ length: Math.min(threads, jobs.length) }, startWorker)
    const give = (worker: Worker) => {
      const index = next++
      const job = jobs[index]
      if (job === undefined) {
        void worker.terminate()
        return
      }
      running.set(worker, index)
      worker.postMessage(job)
    }
    for (const worker of workers) {
      worker.on("message", (result: ReadonlyArray<CellTally>) => {
        results[running.get(worker) ?? -1] = result
        done++
        const now = performance.now()
        if (now - lastReport > 10_000 || done === jobs.length) {
          lastReport = now
          const elapsed = (now - started) / 1000
          process.stderr.write(
            `calibrate: ${done}/${jobs.length} batches, ${elapsed.toFixed(0)} s, about ${((elapsed / done) * (jobs.length - done)).toFixed(0)} s left\n`,
          )
        }
        if (done === jobs.length) finish()
        give(worker)
      })
      worker.on("error", (error) => {
        for (const each of workers) void each.terminate()
        reject(error)
      })
      give(worker)
    }
  })

const main = async () => {
  const { settings, json } = settingsOf(process.argv.slice(2))
  const jobs = jobsOf(settings)
  process.stderr.write(
    `calibrate: ${settings.methods.join(", ")}; n = ${settings.sizes.join(", ")}; ${settings.replicates} replicates in ${jobs.length} batches on ${settings.threads} threads\n`,
  )
  const started = performance.now()
  const tallies = await runJobs(jobs, settings.threads)
  const seconds = (performance.now() - started) / 1000
  process.stdout.write(
    json ? jsonReport(tallies, settings, seconds) : textReport(tallies, settings, seconds),
  )
}

main().catch((error: unknown) => {
  process.stderr.write(
    `calibrate failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  )
  process.exit(1)
})
