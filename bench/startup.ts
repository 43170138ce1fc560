/**
 * Benchmark of the CLI's start-up: the built CLI (`npm run build` first) run N times for
 * each invocation, wall clock from spawn to exit, median and fastest. The invocations take
 * turns, round after round, so that a busy machine slows them all alike.
 * Aim: `--help` and `analyze-table --help` within 0.3 s. For scale, `node -e 0` (Node's own
 * start) and a usage error, which runs the CLI itself (@effect/cli parsing the flags)
 * rather than printing a rendered text.
 *
 *   npm run bench:startup [-- --runs 15] [-- path/to/main.js]
 */
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { cpus } from "node:os"

const target = 0.3
const options = process.argv.slice(2)
const runsFlag = options.indexOf("--runs")
const runs = runsFlag < 0 ? 15 : Number(options[runsFlag + 1])
const entry =
  options.find(
    (option, index) => !(runsFlag >= 0 && index === runsFlag + 1) && !option.startsWith("--"),
  ) ?? "dist/cli/main.js"
if (!existsSync(entry)) throw new Error(`${entry}: no built CLI; run npm run build first`)
if (!(Number.isInteger(runs) && runs > 0)) throw new Error("--runs: a positive integer")

const invocations: ReadonlyArray<{ readonly label: string; readonly args: ReadonlyArray<string> }> =
  [
    { label: "node -e 0", args: ["-e", "0"] },
    { label: "--help", args: [entry, "--help"] },
    { label: "analyze-table --help", args: [entry, "analyze-table", "--help"] },
    { label: "run --help", args: [entry, "run", "--help"] },
    { label: "--version", args: [entry, "--version"] },
    { label: "usage error (the CLI)", args: [entry, "analyze-table", "--no-such-flag"] },
  ]

/** Seconds from spawn to exit of `node ...args`, with its output discarded. */
const seconds = (args: ReadonlyArray<string>): number => {
  const start = performance.now()
  const result = spawnSync(process.execPath, args, { stdio: "ignore" })
  if (result.error !== undefined) throw result.error
  return (performance.now() - start) / 1000
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2
}

console.log(
  `${entry}, ${runs} runs each, Node ${process.version}, ${cpus().length} cores; target ≤ ${target} s for the helps`,
)
// One run each first, unmeasured: the files are then in the page cache for every round.
for (const { args } of invocations) seconds(args)
const times = invocations.map(() => [] as Array<number>)
for (let round = 0; round < runs; round++) {
  invocations.forEach(({ args }, index) => {
    times[index]?.push(seconds(args))
  })
}
invocations.forEach(({ label }, index) => {
  const measured = times[index] ?? []
  console.log(
    `${label.padEnd(24)} median ${median(measured).toFixed(3)} s  min ${Math.min(...measured).toFixed(3)} s`,
  )
})
