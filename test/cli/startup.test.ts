import { execFile, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { buildCli, printingInvocations } from "../../scripts/build-cli.js"
import * as defaults from "../../src/cli/defaults.js"
import { prerenderedOutput } from "../../src/cli/prerendered.js"
import { defaultExperimenterUrl } from "../../src/services/experiment-source.js"
import { defaultOutputDirectory } from "../../src/services/object-store.js"
import { defaultStatisticsThreads } from "../../src/services/summary-computer.js"
import { defaultDuckDbPath } from "../../src/services/warehouse/duckdb.js"

/**
 * How `slipstream` starts: reading the command line loads the commands' definitions only
 * (a command's handler, the pipeline, DuckDB and the Google clients load when it runs), and a
 * help or the version is printed from text the build rendered with the CLI itself. Timings
 * are in `npm run bench:startup`; this checks the structure that makes them.
 */

const projectRoot = fileURLToPath(new URL("../..", import.meta.url))
const scratch = mkdtempSync(Path.join(tmpdir(), "slipstream-startup-"))

/**
 * A module hook that appends the address of every module the process imports to the file
 * SLIPSTREAM_IMPORT_LOG names: CommonJS packages included, each imported by an ESM module.
 */
const recordImports = `data:text/javascript,${encodeURIComponent(`
import { register } from "node:module"
register(${JSON.stringify(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from "node:fs"
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context)
  appendFileSync(process.env.SLIPSTREAM_IMPORT_LOG, resolved.url + "\\n")
  return resolved
}`)}`,
)})`)}`

interface Run {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
  /** The modules it imported, as file paths relative to the project (or node: names). */
  readonly imported: ReadonlyArray<string>
}

let runs = 0

/** `node [--import tsx] script ...args` from the project root, its imports recorded. */
const runRecorded = (script: string, args: ReadonlyArray<string>): Run => {
  runs += 1
  const log = Path.join(scratch, `imports-${runs}.txt`)
  writeFileSync(log, "")
  const fromSource = script.endsWith(".ts")
  const result = spawnSync(
    process.execPath,
    [...(fromSource ? ["--import", "tsx"] : []), "--import", recordImports, script, ...args],
    {
      cwd: projectRoot,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, SLIPSTREAM_IMPORT_LOG: log },
    },
  )
  const imported = readFileSync(log, "utf8")
    .split("\n")
    .filter((url) => url !== "")
    .map((url) => (url.startsWith("file:") ? Path.relative(projectRoot, fileURLToPath(url)) : url))
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, imported }
}

/** What a command's handler and what runs it bring: none of it is needed to read flags. */
const implementation =
  /^(node_modules\/(@duckdb|@google-cloud|@stdlib|@fivetrandevelopers)\/|src\/(pipeline|services|stats|sql|report|demo)\/|src\/cli\/[\w-]+-command\.ts$)/

const implementationIn = (run: Run) => run.imported.filter((file) => implementation.test(file))

describe("slipstream's start-up", () => {
  const table = Path.join(scratch, "clients.csv")
  writeFileSync(table, "client_id,branch,clicks\nc1,control,1\nc2,treatment,2\nc3,control,0\n")

  it("reads the command line without loading any command's handler, DuckDB or Google's clients", () => {
    for (const args of [
      ["--help"],
      ["analyze-table", "--help"],
      ["run", "--help"],
      ["analyze-table", "--no-such-flag"],
      ["demo-data", "--clients", "0"],
    ]) {
      const run = runRecorded("src/cli/main.ts", args)
      expect(run.status, `slipstream ${args.join(" ")}: ${run.stderr}`).toBe(
        args.includes("--help") ? 0 : 2,
      )
      expect(run.imported, args.join(" ")).toContain("src/cli/commands/analyze-table.ts")
      expect(implementationIn(run), args.join(" ")).toEqual([])
    }
  }, 300_000)

  it("loads a command's handler, and what it uses, when that command runs", () => {
    const run = runRecorded("src/cli/main.ts", [
      "analyze-table",
      table,
      "--metric",
      "clicks",
      "--statistic",
      "count",
    ])
    expect(run.status, run.stderr).toBe(0)
    expect(run.imported).toContain("src/cli/analyze-table-command.ts")
    expect(run.imported.some((file) => file.startsWith("node_modules/@duckdb/node-api/"))).toBe(
      true,
    )
    expect(run.imported).not.toContain("src/cli/plan-command.ts")
    expect(run.imported.some((file) => file.startsWith("node_modules/@google-cloud/"))).toBe(false)
  }, 120_000)

  it("runs analyze-aggregates without DuckDB: sums need no warehouse", () => {
    const sums = Path.join(scratch, "sums.json")
    writeFileSync(
      sums,
      JSON.stringify({
        branches: {
          control: { n: 2, sum: 1, sum_squares: 1 },
          treatment: { n: 1, sum: 2, sum_squares: 4 },
        },
      }),
    )
    const run = runRecorded("src/cli/main.ts", ["analyze-aggregates", sums, "--statistic", "count"])
    expect(run.status, run.stderr).toBe(0)
    expect(run.imported).toContain("src/cli/analyze-aggregates-command.ts")
    expect(run.imported.some((file) => file.startsWith("node_modules/@duckdb/"))).toBe(false)
    expect(run.imported).not.toContain("src/cli/analyze-table-command.ts")
  }, 120_000)

  it("answers only the exact invocations whose text was rendered", () => {
    const texts = { "--help": "help\n", "run\0--help": "run's help\n" }
    expect(prerenderedOutput(["--help"], texts)).toBe("help\n")
    expect(prerenderedOutput(["run", "--help"], texts)).toBe("run's help\n")
    expect(prerenderedOutput(["run", "--help", "--json"], texts)).toBeUndefined()
    expect(prerenderedOutput(["--help", "run"], texts)).toBeUndefined()
    expect(prerenderedOutput(["toString"], texts)).toBeUndefined()
    expect(prerenderedOutput(["--help"])).toBeUndefined()
  })

  it("has the defaults of the services it does not load", () => {
    expect({ ...defaults }).toEqual({
      defaultDuckDbPath,
      defaultOutputDirectory,
      defaultExperimenterUrl,
      defaultStatisticsThreads,
    })
  })
})

/** `args`, run from source by the CLI itself (no text is rendered in the source tree). */
const runLive = (args: ReadonlyArray<string>) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...args],
      { cwd: projectRoot, encoding: "utf8", timeout: 120_000 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : null
        resolve({ status, stdout, stderr })
      },
    )
  })

/** Runs `task` over `items`, `width` at a time, in order. */
const inBatches = async <A, B>(
  items: ReadonlyArray<A>,
  width: number,
  task: (item: A) => Promise<B>,
): Promise<ReadonlyArray<B>> => {
  const results: Array<B> = []
  for (let start = 0; start < items.length; start += width) {
    results.push(...(await Promise.all(items.slice(start, start + width).map(task))))
  }
  return results
}

describe("the built CLI", () => {
  it("prints every rendered help as the CLI prints it, without loading the CLI", async () => {
    const outdir = mkdtempSync(Path.join(tmpdir(), "slipstream-cli-build-"))
    try {
      const { invocations, texts } = await buildCli(outdir)
      expect(invocations).toEqual(printingInvocations())
      expect(invocations).toContainEqual(["analyze-table", "--help"])
      const entry = Path.join(outdir, "main.js")
      const live = await inBatches(invocations, 3, runLive)
      invocations.forEach((args, index) => {
        const built = runRecorded(entry, args)
        expect(built.status, args.join(" ")).toBe(0)
        expect(built.stdout, args.join(" ")).toBe(live[index]?.stdout)
        expect(built.stderr, args.join(" ")).toBe("")
        expect(live[index]?.status, args.join(" ")).toBe(0)
        // Only the entry: neither @effect/cli nor any chunk of the CLI.
        expect(built.imported.filter((file) => !file.startsWith("node:"))).toEqual([
          Path.relative(projectRoot, entry),
        ])
      })
      expect(Object.keys(texts)).toHaveLength(invocations.length)
      // Anything else runs the bundled CLI: here a usage error, as the source prints it.
      const bundled = runRecorded(entry, ["analyze-table", "--no-such-flag"])
      const source = await runLive(["analyze-table", "--no-such-flag"])
      expect(bundled.status).toBe(2)
      expect(bundled.status).toBe(source.status)
      expect(bundled.stderr).toBe(source.stderr)
      expect(bundled.stdout).toBe(source.stdout)
      expect(implementationIn(bundled)).toEqual([])
    } finally {
      rmSync(outdir, { recursive: true, force: true })
    }
  }, 600_000)
})
