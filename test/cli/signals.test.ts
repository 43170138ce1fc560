import { spawn } from "node:child_process"
import { copyFileSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import { expectNearlyEqual, sortedRows } from "../support/nearly-equal.js"
import { runCli, slipstreamArgs } from "../support/run-cli.js"

/**
 * SIGTERM (Kubernetes stopping the pod) and SIGINT (Ctrl-C) during a run: the exit status is
 * the signal's (143, 130), the summary says what was written and what was not, the warehouse
 * holds no half-written table, and the same command run again completes the date with the
 * statistics of a run that was never stopped.
 */
const projectRoot = fileURLToPath(new URL("../..", import.meta.url))
let folder = ""
let base = ""
let reference: ReadonlyArray<Record<string, unknown>> = []

/** Three windows are due on that date (day 35, week 5, overall 1), each a few seconds. */
const runOf = (db: string, output: string): ReadonlyArray<string> => [
  "run",
  "--date",
  "2026-10-12",
  "--duckdb-path",
  db,
  "--experiments-file",
  "config/demo/experiments.json",
  "--experiment",
  "demo-new-tab-layout",
  "--metric",
  "active_hours",
  "--output-dir",
  output,
]

/** A fresh copy of the demo warehouse: each run starts from the same telemetry. */
const copyOfBase = (name: string): string => {
  const db = Path.join(folder, `${name}.duckdb`)
  copyFileSync(base, db)
  return db
}

interface Stopped {
  readonly status: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** The CLI, sent `signal` as soon as its stderr shows `when`. */
const stopCli = (args: ReadonlyArray<string>, when: string, signal: NodeJS.Signals) =>
  new Promise<Stopped & { readonly sent: boolean }>((resolve, reject) => {
    const child = spawn(process.execPath, [...slipstreamArgs, ...args], {
      cwd: projectRoot,
    })
    let stdout = ""
    let stderr = ""
    let sent = false
    child.stdout.on("data", (data) => {
      stdout += String(data)
    })
    child.stderr.on("data", (data) => {
      stderr += String(data)
      if (!sent && stderr.includes(when)) sent = child.kill(signal)
    })
    child.on("error", reject)
    child.on("close", (status, received) =>
      resolve({ status, signal: received, stdout, stderr, sent }),
    )
  })

/** The rows of a statistics view, in an order summing noise cannot change. */
const rowsOf = (db: string, view: string) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const warehouse = yield* Warehouse
      const result = yield* warehouse.query(`SELECT * FROM ${view}`, "reading the test's view")
      const rows = (result.columns[0] ?? []).map(
        (_, row): Record<string, unknown> =>
          Object.fromEntries(
            result.columnNames.map((name, column) => {
              const value = result.columns[column]?.[row]
              return [name, typeof value === "bigint" ? Number(value) : value]
            }),
          ),
      )
      return sortedRows(rows)
    }).pipe(Effect.provide(Warehouse.duckDb({ path: db, threads: 1 }))),
  )

/** The warehouse's tables whose name starts with `prefix`. */
const tablesOf = (db: string, prefix: string) =>
  Effect.runPromise(
    Effect.gen(function* () {
      return yield* (yield* Warehouse).listTables(prefix)
    }).pipe(Effect.provide(Warehouse.duckDb({ path: db, threads: 1 }))),
  )

/** The weekly view and the overall one, as the uninterrupted run left them. */
const statisticsOf = async (db: string) => [
  ...(await rowsOf(db, "statistics_demo_new_tab_layout_weekly")),
  ...(await rowsOf(db, "statistics_demo_new_tab_layout_overall")),
  ...(await rowsOf(db, "statistics_demo_new_tab_layout_daily")),
]

beforeAll(async () => {
  folder = mkdtempSync(Path.join(tmpdir(), "slipstream-signals-"))
  base = Path.join(folder, "base.duckdb")
  expect(runCli(["demo-data", "--clients", "3000", "--db", base]).status).toBe(0)
  const untouched = copyOfBase("reference")
  const run = runCli(runOf(untouched, Path.join(folder, "out-reference")))
  expect(run.status).toBe(0)
  reference = await statisticsOf(untouched)
  expect(reference.length).toBeGreaterThan(100)
}, 180_000)

afterAll(() => rmSync(folder, { recursive: true, force: true }))

describe("a run stopped by a signal", () => {
  it("the same command run again over a complete date changes no row (--metric too): what completing a stopped run relies on", async () => {
    const db = Path.join(folder, "reference.duckdb")
    expect(runCli(runOf(db, Path.join(folder, "out-reference"))).status).toBe(0)
    expectNearlyEqual(await statisticsOf(db), reference)
  }, 180_000)

  it("SIGTERM after the first window: exit 143, what was written and what was not, a clean warehouse; the same command again completes the date", async () => {
    const db = copyOfBase("sigterm")
    const args = runOf(db, Path.join(folder, "out-sigterm"))
    const stopped = await stopCli(args, "demo-new-tab-layout day 35:", "SIGTERM")
    expect(stopped.sent).toBe(true)
    expect(stopped.status).toBe(143)
    const summary = stopped.stdout.trim().split("\n")
    expect(summary[0]).toMatch(
      /^INTERRUPTED by SIGTERM: 2026-10-12, 1 experiment analysed \(demo-new-tab-layout\), 1 window, \d+ statistics rows/,
    )
    expect(summary).toContain("written before the stop (1 window):")
    expect(summary).toContain("  2026-10-12 demo-new-tab-layout: day 35")
    expect(summary).toContain("not written (stopped while computing them):")
    expect(summary).toContain("  2026-10-12 demo-new-tab-layout: week 5, overall 1")
    expect(summary.at(-1)).toMatch(/^to complete it, run the same command again/)
    expect(stopped.stderr.trim().split("\n").at(-1)).toBe(
      "slipstream: stopped by SIGTERM (exit 143)",
    )
    expect(stopped.stderr).not.toContain("internal error")
    expect(stopped.stderr).not.toMatch(/^\s+at /m)
    // What was written is whole; what was not is absent, staging tables included.
    expect(await tablesOf(db, "statistics_demo_new_tab_layout_")).toEqual([
      "statistics_demo_new_tab_layout_daily",
      "statistics_demo_new_tab_layout_day_35",
    ])
    expect((await tablesOf(db, "")).filter((table) => table.includes("staging"))).toEqual([])

    const again = runCli(args)
    expect(again.status).toBe(0)
    expect(again.stdout).toMatch(/^OK: 2026-10-12, 1 experiment analysed .*, 3 windows/)
    expectNearlyEqual(await statisticsOf(db), reference)
  }, 180_000)

  it("SIGINT (Ctrl-C) with --json: exit 130, the summary as JSON on stdout; the same command again completes the date", async () => {
    const db = copyOfBase("sigint")
    const args = [...runOf(db, Path.join(folder, "out-sigint")), "--json"]
    // --json draws no progress; the debug log of the next window's first query says the
    // first one is written.
    const stopped = await stopCli(
      [...args, "--log-level", "debug"],
      "week 5 metrics of demo-new-tab-layout (enrollments)",
      "SIGINT",
    )
    expect(stopped.sent).toBe(true)
    expect(stopped.status).toBe(130)
    const summary = JSON.parse(stopped.stdout)
    expect(summary).toMatchObject({
      analysed: ["demo-new-tab-layout"],
      items: 1,
      statisticsTables: ["statistics_demo_new_tab_layout_day_35"],
      published: null,
      interrupted: {
        signal: "SIGINT",
        during: "computing",
        written: [
          { experiment: "demo-new-tab-layout", date: "2026-10-12", period: "day", windowIndex: 35 },
        ],
        unfinished: [
          { experiment: "demo-new-tab-layout", date: "2026-10-12", period: "week", windowIndex: 5 },
          {
            experiment: "demo-new-tab-layout",
            date: "2026-10-12",
            period: "overall",
            windowIndex: 1,
          },
        ],
      },
    })
    expect(summary.interrupted.resume).toMatch(/run the same command again/)
    expect(stopped.stderr).toContain("slipstream: stopped by SIGINT (exit 130)")
    expect((await tablesOf(db, "")).filter((table) => table.includes("staging"))).toEqual([])

    const again = runCli(args)
    expect(again.status).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ items: 3, failed: false })
    expectNearlyEqual(await statisticsOf(db), reference)
  }, 180_000)
})
