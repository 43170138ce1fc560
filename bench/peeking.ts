/**
 * `npm run calibrate:peeking`: the point of sequential testing, measured. Simulated 28-day A/A
 * experiments looked at every day (bench/calibrate/peeking.ts), through t_test with its
 * fixed-horizon interval and with `sequential = true`: how often each ever declares a
 * difference that does not exist, and how often at the last look alone.
 *
 *   npm run calibrate:peeking -- [--replicates 1000] [--clients 10000] [--days 28]
 *     [--seed 1] [--json]
 *
 * The table (or JSON with --json) goes to stdout, progress to stderr.
 */
import { parseArgs } from "node:util"
import {
  type Statistic,
  statisticOf,
  statisticOnAggregates,
} from "../src/stats/catalogue/statistic-catalogue.js"
import type { LinearModelSums } from "../src/stats/linear-model.js"
import { seededRandom } from "../src/stats/random.js"
import { type PeekingTally, simulatePeeking } from "./calibrate/peeking.js"
import type { PopulationKey } from "./calibrate/populations.js"

const usage = `usage: npm run calibrate:peeking -- [options]
  --replicates R   simulated experiments per metric (1000)
  --clients N      clients per branch at the last look (10000)
  --days D         looks, one a day (28)
  --seed S         seed of the data (1)
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

const parsed = (() => {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      options: {
        replicates: { type: "string" },
        clients: { type: "string" },
        days: { type: "string" },
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

const replicates = positiveInteger("replicates", parsed.replicates, 1000)
const clients = positiveInteger("clients", parsed.clients, 10_000)
const days = positiveInteger("days", parsed.days, 28)
const seed = positiveInteger("seed", parsed.seed, 1)

const onSums = (label: string, statistic: Statistic) => ({
  label,
  run: (sums: ReadonlyMap<string, LinearModelSums>) =>
    statisticOnAggregates(
      statistic,
      new Map(
        [...sums].map(([branch, branchSums]) => [
          branch,
          { clients: branchSums.n, sums: branchSums },
        ]),
      ),
      { randomFor: (branch) => seededRandom(seed, branch) },
    ),
})

const tests = [
  onSums("t_test (fixed horizon)", statisticOf("t_test")),
  onSums("t_test, sequential = true", statisticOf("t_test", { sequential: true })),
  // Tuned to the pair's clients at the last look, as docs/statistics.md advises.
  onSums(
    `t_test, sequential, sequential_tuning = ${2 * clients}`,
    statisticOf("t_test", { sequential: true, sequential_tuning: 2 * clients }),
  ),
]

const metrics: ReadonlyArray<PopulationKey> = ["hours", "binary10", "count"]
const started = performance.now()
const tallies: PeekingTally[] = []
for (const population of metrics) {
  process.stderr.write(
    `calibrate:peeking: ${population}, ${replicates} experiments × ${days} looks\n`,
  )
  tallies.push(...simulatePeeking({ population, clients, days, replicates, seed }, tests))
}
const seconds = (performance.now() - started) / 1000

/** p ± its binomial standard error, in percent. */
const percent = (count: number, total: number): string => {
  const p = count / total
  return `${(100 * p).toFixed(1)} ± ${(100 * Math.sqrt((p * (1 - p)) / total)).toFixed(1)}`
}

if (parsed.json) {
  process.stdout.write(
    `${JSON.stringify({ replicates, clients, days, seed, seconds, results: tallies }, null, 2)}\n`,
  )
} else {
  const lines = [
    `A/A experiments, ${clients} clients per branch enrolled evenly over ${days} days, looked at every day; ${replicates} replicates per metric (seed ${seed}, ${seconds.toFixed(1)} s).`,
    "Declared significant (95% interval of the difference excludes 0), % ± binomial SE:",
    "",
    "| test | metric | at some look | at the last look |",
    "|---|---|---|---|",
    ...tallies.map(
      (tally) =>
        `| ${tally.test} | ${tally.population} | ${percent(tally.everSignificant, tally.replicates)} | ${percent(tally.finalSignificant, tally.replicates)} |`,
    ),
  ]
  process.stdout.write(`${lines.join("\n")}\n`)
}
