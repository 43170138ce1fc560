/**
 * `npm run bench:stats`: the statistics' speed, in seconds and as ratios to the exact
 * per-client path (every distinct value its own Dirichlet weight; what Jetstream computes).
 *
 * 1. Statistics time, 3 branches × 100k and × 1M clients, 10,000 samples, all six
 *    comparisons: bootstrap_mean on a continuous heavy-tailed metric (target ≤ 1 s at 1M)
 *    and on a low-cardinality one, binomial and deciles, from the aggregates the warehouse
 *    returns. The exact bootstrap costs n gammas per draw; it is timed on 100 draws and scaled
 *    to 10,000 (its cost is linear in the draws), and said so.
 * 2. `slipstream analyze-table` end to end (the built CLI: start-up, CSV read, statistics) on
 *    3 × 100k clients: ≤ 1 s for binomial, deciles and a low-cardinality bootstrap_mean,
 *    ≤ 1.5 s for a continuous one, in wall time (the median, and the fastest run: what the
 *    machine gives when nothing else takes it) and in CPU time (user + system, the CLI's
 *    and DuckDB's threads), with the load average when the runs began and ended. Run `npm run build` first;
 *    `npm run bench:stats -- --end-to-end` runs this part alone.
 * Timings are medians of a few runs; the machine is shared, so read them as such.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { type Statistic, statisticOf } from "../src/stats/catalogue/statistic-catalogue.js"
import { type ClientColumns, computeSummaryOnClients } from "../src/stats/compute-summary.js"
import { decileLevels } from "../src/stats/deciles.js"
import { standardNormal } from "../src/stats/distributions.js"
import { orderStatisticsInBands } from "../src/stats/order-statistics.js"
import { seededRandom } from "../src/stats/random.js"
import {
  type BranchAggregates,
  computeSummaryOnAggregates,
} from "../src/stats/summary-on-aggregates.js"
import { histogramOf, winsorize } from "../src/stats/value-histogram.js"

const branches = ["control", "treatment-a", "treatment-b"]
const numSamples = 10_000
const exactSamples = 100

const activeHours = (n: number, seed: number) => {
  const random = seededRandom(seed, "hours")
  return Float64Array.from({ length: n }, () =>
    random.nextDouble() < 0.4 ? 0 : Math.exp(1 + 1.5 * standardNormal(random)),
  )
}
const daysOfUse = (n: number, seed: number) => {
  const random = seededRandom(seed, "days")
  return Float64Array.from({ length: n }, () =>
    Math.max(0, Math.min(28, Math.round(12 + 8 * standardNormal(random)))),
  )
}
const converted = (n: number, seed: number) => {
  const random = seededRandom(seed, "converted")
  return Float64Array.from({ length: n }, () => (random.nextDouble() < 0.3 ? 1 : 0))
}

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}
const secondsOf = (run: () => unknown, repeats: number) =>
  median(
    Array.from({ length: repeats }, () => {
      const started = performance.now()
      run()
      return (performance.now() - started) / 1000
    }),
  )

/** binomial draws its posterior a fixed number of times: it takes no num_samples. */
const statistic = (name: Statistic["name"], samples: number): Statistic =>
  statisticOf(name, name === "binomial" ? {} : { num_samples: samples })

const kernels: ReadonlyArray<{
  readonly name: Statistic["name"]
  readonly metric: string
  readonly generate: (n: number, seed: number) => Float64Array
  readonly target?: string
}> = [
  {
    name: "bootstrap_mean",
    metric: "active hours (continuous)",
    generate: activeHours,
    target: "≤ 1 s at 1M",
  },
  { name: "bootstrap_mean", metric: "days of use (0–28)", generate: daysOfUse },
  { name: "binomial", metric: "converted (0/1)", generate: converted },
  { name: "deciles", metric: "active hours (continuous)", generate: activeHours },
]

if (!process.argv.includes("--end-to-end")) {
  const statisticsTable: Record<string, string>[] = []
  for (const n of [100_000, 1_000_000]) {
    for (const kernel of kernels) {
      const values = new Map(
        branches.map((branch, index) => [branch, kernel.generate(n, index + 1)]),
      )
      // What the warehouse returns: winsorized histograms, order statistics in the rank bands.
      const aggregates = new Map<string, BranchAggregates>(
        [...values].map(([branch, list]) => [
          branch,
          kernel.name === "deciles"
            ? { clients: n, orderStatistics: orderStatisticsInBands(list, decileLevels) }
            : {
                clients: n,
                histogram: histogramOf(
                  kernel.name === "bootstrap_mean" ? winsorize(list, 0.995) : list,
                ),
              },
        ]),
      )
      const options = { seed: 1, stream: "bench" }
      const pushDown = secondsOf(
        () => computeSummaryOnAggregates(statistic(kernel.name, numSamples), aggregates, options),
        3,
      )
      const columns = new Map<string, ClientColumns>(
        [...values].map(([branch, list]) => [branch, { values: list }]),
      )
      // Deciles and binomial are exact from their aggregates: the per-client path is timed whole.
      const scaled = kernel.name === "bootstrap_mean"
      const perClient =
        secondsOf(
          () =>
            computeSummaryOnClients(
              statistic(kernel.name, scaled ? exactSamples : numSamples),
              [],
              columns,
              {
                ...options,
                analysisPeriodLength: 1,
                maxBuckets: Number.POSITIVE_INFINITY,
              },
            ),
          1,
        ) * (scaled ? numSamples / exactSamples : 1)
      statisticsTable.push({
        clients: `${n / 1000}k × 3`,
        statistic: kernel.name,
        metric: kernel.metric,
        "push-down s": pushDown.toFixed(2),
        "exact per-client s": `${perClient.toFixed(1)}${scaled ? ` (${exactSamples} draws × ${numSamples / exactSamples})` : ""}`,
        "× faster": (perClient / pushDown).toFixed(0),
        target: kernel.target ?? "",
      })
    }
  }
  console.log(
    `Statistics time: 3 branches, ${numSamples.toLocaleString("en")} samples, all six comparisons`,
  )
  console.table(statisticsTable)
}

// analyze-table end to end on a CSV of 3 × 100k clients.
const folder = mkdtempSync(join(tmpdir(), "slipstream-bench-"))
const csv = join(folder, "clients.csv")
const n = 100_000
const lines = ["branch,active_hours,days_of_use,converted"]
branches.forEach((branch, index) => {
  const hours = activeHours(n, index + 1)
  const days = daysOfUse(n, index + 1)
  const conversions = converted(n, index + 1)
  for (let client = 0; client < n; client++) {
    lines.push(`${branch},${hours[client]},${days[client]},${conversions[client]}`)
  }
})
writeFileSync(csv, `${lines.join("\n")}\n`)
const cli = join(import.meta.dirname, "..", "dist", "cli", "main.js")

/**
 * CPU seconds (user + system) of this process's waited-for children so far, from Linux's
 * /proc/self/stat (cutime and cstime, in ticks of 1/100 s); undefined elsewhere.
 */
const childrenCpuSeconds = (): number | undefined => {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? []
    return (Number(fields[13]) + Number(fields[14])) / 100
  } catch {
    return undefined
  }
}

const load = () => loadavg()[0]?.toFixed(1) ?? "?"
const loadBefore = load()
const endToEnd: Record<string, string>[] = []
for (const [metric, name, target] of [
  ["converted", "binomial", 1],
  ["active_hours", "deciles", 1],
  ["days_of_use", "bootstrap_mean", 1],
  ["active_hours", "bootstrap_mean", 1.5],
] as const) {
  const runs = Array.from({ length: 5 }, () => {
    const cpuBefore = childrenCpuSeconds()
    const started = performance.now()
    execFileSync(
      "node",
      [cli, "analyze-table", csv, "--metric", metric, "--statistic", name, "--format", "json"],
      { stdio: ["ignore", "ignore", "inherit"] },
    )
    const cpuAfter = childrenCpuSeconds()
    return {
      wall: (performance.now() - started) / 1000,
      cpu: cpuBefore === undefined || cpuAfter === undefined ? Number.NaN : cpuAfter - cpuBefore,
    }
  })
  endToEnd.push({
    statistic: name,
    metric,
    "wall s": median(runs.map(({ wall }) => wall)).toFixed(2),
    "fastest wall s": Math.min(...runs.map(({ wall }) => wall)).toFixed(2),
    "CPU s": median(runs.map(({ cpu }) => cpu)).toFixed(2),
    target: `≤ ${target} s`,
  })
}
rmSync(folder, { recursive: true, force: true })
console.log(
  `\nslipstream analyze-table end to end, ${n / 1000}k clients × 3 (CSV read included), median of 5; load average ${loadBefore} before, ${load()} after`,
)
console.table(endToEnd)
