import { spawn } from "node:child_process"
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { DuckDBInstance } from "@duckdb/node-api"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, slipstreamArgs } from "../support/run-cli.js"

/**
 * Kill-safety (issue 12): the CLI's daily run SIGKILLed at several points — its enrollments
 * written, a metrics table written, part way through a statistics table's chunked write, part
 * way through publishing — then run again. The warehouse and the published files are then
 * the same as after an uninterrupted run: no table left half-written or behind (a statistics
 * table's `__staging`), no duplicated rows, every published file whole, no stale temporary.
 */
const projectRoot = fileURLToPath(new URL("../..", import.meta.url))
const date = "2026-10-28"
let folder = ""
let fresh = ""

const runArgs = (db: string) => [
  "run",
  "--date",
  date,
  "--duckdb-path",
  db,
  "--experiments-file",
  "config/demo/experiments.json",
  // On this date: demo-sidebar-onboarding's day 14 and week 2 (2,000-odd rows, written in
  // chunks through a staging table), demo-aa-check's day 2.
  "--analysis-periods",
  "day,week",
  "--log-level",
  "debug",
]

/** The run on `db`, publishing to `out`, killed with SIGKILL as soon as stderr matches `at`. */
const runKilledAt = (db: string, out: string, at: RegExp) =>
  new Promise<{ readonly signal: NodeJS.Signals | null; readonly stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [...slipstreamArgs, ...runArgs(db)], {
        cwd: projectRoot,
        env: { ...process.env, SLIPSTREAM_OUTPUT_DIR: out },
        stdio: ["ignore", "ignore", "pipe"],
      })
      let stderr = ""
      child.stderr.setEncoding("utf8")
      child.stderr.on("data", (chunk: string) => {
        stderr += chunk
        if (child.exitCode === null && child.signalCode === null && at.test(stderr)) {
          child.kill("SIGKILL")
        }
      })
      child.on("error", reject)
      child.on("exit", (_code, signal) => resolve({ signal, stderr }))
    },
  )

const runToEnd = (db: string, out: string) => {
  const result = runCli(runArgs(db), { SLIPSTREAM_OUTPUT_DIR: out })
  expect(result.stderr).not.toContain("level=ERROR")
  expect(result.status).toBe(0)
}

type Row = Record<string, unknown>

/** Numbers to nine significant digits: DuckDB's parallel sums differ in their last bits. */
const normalised = (value: unknown): unknown => {
  if (typeof value === "number") return Number(value.toPrecision(9))
  if (Array.isArray(value)) return value.map(normalised)
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, normalised(inner)]))
  }
  return value
}

const sortedRows = (rows: ReadonlyArray<Row>) =>
  rows.map((row) => JSON.stringify(normalised(row))).sort()

/**
 * The run's tables (those the fresh demo warehouse does not have) and every relation's name,
 * rows sorted; the logs without their timestamps.
 */
const warehouseContents = async (db: string, sources: ReadonlySet<string>) => {
  const instance = await DuckDBInstance.create(db)
  const connection = await instance.connect()
  const rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson()
  const tables = (await rows("SELECT table_name FROM duckdb_tables() ORDER BY 1")).map(
    ({ table_name }) => String(table_name),
  )
  const views = (
    await rows("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1")
  ).map(({ view_name }) => String(view_name))
  const contents: Record<string, ReadonlyArray<string>> = {}
  for (const table of tables.filter((name) => !sources.has(name))) {
    const all = await rows(`SELECT * FROM "${table}"`)
    contents[table] = sortedRows(
      table === "logs" ? all.map(({ timestamp: _timestamp, ...rest }) => rest) : all,
    )
  }
  const viewRows: Record<string, number> = {}
  for (const view of views) {
    viewRows[view] = Number((await rows(`SELECT COUNT(*) AS n FROM "${view}"`))[0]?.n)
  }
  connection.closeSync()
  instance.closeSync()
  return { tables, views, viewRows, contents }
}

/**
 * The local object store's in-flight files (`.<name>.<16 hex digits>.tmp`): a publish killed
 * between writing one and renaming it leaves it, never a partial file under the final name.
 */
const temporary = /(^|\/)\.[^/]+\.[0-9a-f]{16}\.tmp$/

/** The object store's temporaries under `root`. */
const temporariesUnder = (root: string): ReadonlyArray<string> =>
  readdirSync(root, { recursive: true, encoding: "utf8" }).filter((path) => temporary.test(path))

/** Files under `root`, the object store's temporaries aside. */
const filesUnder = (root: string): ReadonlyArray<string> =>
  readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((path) => statSync(Path.join(root, path)).isFile() && !temporary.test(path))
    .sort()

/**
 * Published files by path: times of day made alike, JSON parsed and its numbers normalised,
 * the full-precision numbers of pages (their data attributes) too.
 */
const publishedContents = (out: string) =>
  Object.fromEntries(
    filesUnder(out).map((path) => {
      const text = readFileSync(Path.join(out, path), "utf8").replaceAll(
        /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g,
        "<time>",
      )
      return [
        path,
        path.endsWith(".json")
          ? normalised(JSON.parse(text))
          : text.replaceAll(/-?\d+\.\d{9,}(e-?\d+)?/g, (number) =>
              String(Number(Number(number).toPrecision(9))),
            ),
      ]
    }),
  )

/** Every published file under `out` is whole: its JSON parses, its page ends. */
const expectWhole = (out: string) => {
  for (const path of filesUnder(out)) {
    const text = readFileSync(Path.join(out, path), "utf8")
    if (path.endsWith(".json")) expect(() => JSON.parse(text), path).not.toThrow()
    if (path.endsWith(".html")) expect(text.trimEnd(), path).toMatch(/<\/html>$/)
  }
}

let reference: Awaited<ReturnType<typeof warehouseContents>>
let referenceFiles: Record<string, unknown> = {}
let sources: ReadonlySet<string> = new Set()

beforeAll(async () => {
  folder = mkdtempSync(Path.join(tmpdir(), "slipstream-kill-"))
  fresh = Path.join(folder, "fresh.duckdb")
  expect(runCli(["demo-data", "--clients", "800", "--db", fresh]).status).toBe(0)
  const instance = await DuckDBInstance.create(fresh)
  const connection = await instance.connect()
  sources = new Set(
    (await connection.runAndReadAll("SELECT table_name FROM duckdb_tables()"))
      .getRowObjectsJson()
      .map(({ table_name }) => String(table_name)),
  )
  connection.closeSync()
  instance.closeSync()
  const db = Path.join(folder, "reference.duckdb")
  copyFileSync(fresh, db)
  runToEnd(db, Path.join(folder, "reference-out"))
  reference = await warehouseContents(db, sources)
  referenceFiles = publishedContents(Path.join(folder, "reference-out"))
}, 300_000)

afterAll(() => rmSync(folder, { recursive: true, force: true }))

const killPoints: ReadonlyArray<readonly [string, RegExp]> = [
  ["its first enrollments are written", /message="enrollments_demo_sidebar_onboarding created"/],
  [
    "a metrics table is written",
    /purpose="day 14 metrics of demo-sidebar-onboarding \(enrollments\)"/,
  ],
  [
    "a statistics table is part written (its staging table holds a first chunk)",
    /purpose="statistics of demo-sidebar-onboarding, week window 2"/,
  ],
  ["publishing has begun", /purpose="exporting statistics_demo_sidebar_onboarding_daily"/],
]

describe("a run killed with SIGKILL, then run again", () => {
  it("leaves the reference run's tables: the runs' own, with no staging table or duplicate", () => {
    expect(reference.tables.filter((name) => name.endsWith("__staging"))).toEqual([])
    for (const [table, rows] of Object.entries(reference.contents)) {
      if (table.startsWith("statistics_")) expect(new Set(rows).size).toBe(rows.length)
    }
    expect(reference.views).toEqual([
      "statistics_demo_aa_check_daily",
      "statistics_demo_sidebar_onboarding_daily",
      "statistics_demo_sidebar_onboarding_weekly",
    ])
  })

  it.each(killPoints)(
    "after %s: the same tables and published files as an uninterrupted run",
    async (_point, at) => {
      const name = `killed-${killPoints.findIndex(([, pattern]) => pattern === at)}`
      const db = Path.join(folder, `${name}.duckdb`)
      const out = Path.join(folder, `${name}-out`)
      copyFileSync(fresh, db)
      const killed = await runKilledAt(db, out, at)
      // The point was reached and the process died there, before it finished.
      expect(killed.signal).toBe("SIGKILL")
      expect(killed.stderr).toMatch(at)
      expect(killed.stderr).not.toContain('message="run finished"')
      // Each table the killed run left under its final name is whole: the reference run's.
      const left = await warehouseContents(db, sources)
      for (const [table, rows] of Object.entries(left.contents)) {
        if (table === "logs" || table === "config_hashes" || table.endsWith("__staging")) continue
        expect(rows, table).toEqual(reference.contents[table])
      }

      if (existsSync(out)) expectWhole(out)
      // What a kill between writing a file and renaming it leaves: its temporary, here a
      // stale one (a live writer's, under a minute old, is left alone).
      mkdirSync(Path.join(out, "statistics"), { recursive: true })
      const leftOver = Path.join(
        out,
        "statistics",
        ".statistics_demo_aa_check_daily.json.0123456789abcdef.tmp",
      )
      writeFileSync(leftOver, '[\n {\n  "segment": "al')
      const longAgo = new Date(Date.now() - 10 * 60_000)
      for (const path of temporariesUnder(out)) utimesSync(Path.join(out, path), longAgo, longAgo)

      runToEnd(db, out)
      expect(temporariesUnder(out)).toEqual([])
      const after = await warehouseContents(db, sources)
      expect(after.tables).toEqual(reference.tables)
      expect(after.views).toEqual(reference.views)
      expect(after.viewRows).toEqual(reference.viewRows)
      expect(after.contents).toEqual(reference.contents)
      // Every published file whole and as the reference run's.
      expectWhole(out)
      expect(publishedContents(out)).toEqual(referenceFiles)
    },
    300_000,
  )
})
