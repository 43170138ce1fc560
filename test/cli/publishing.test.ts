import { execFile } from "node:child_process"
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type CliResult, slipstreamArgs } from "../support/run-cli.js"

/**
 * Publishing through the real CLI on a small demo warehouse: an output folder that cannot
 * be written is refused before anything runs, an identical rerun or export writes no file,
 * and a run whose results could not all be published says what was not, never "OK".
 */

const projectRoot = fileURLToPath(new URL("../..", import.meta.url))

/**
 * The real CLI in a child process, as test/support/run-cli.ts runs it but
 * without blocking this worker: these runs take a while, and a worker blocked for a minute
 * loses its connection to vitest.
 */
const runCli = (args: ReadonlyArray<string>): Promise<CliResult> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [...slipstreamArgs, ...args],
      { cwd: projectRoot, encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null
        resolve({ status: code, stdout, stderr })
      },
    )
  })

const experiments = "config/demo/experiments.json"
let folder = ""
let db = ""

/** The ended demo experiment's overall window, one metric whose statistics are exact sums. */
const run = (outputDir: string, ...more: ReadonlyArray<string>) =>
  runCli([
    "run",
    "--date",
    "2026-10-12",
    "--duckdb-path",
    db,
    "--experiments-file",
    experiments,
    "--experiment",
    "demo-new-tab-layout",
    "--analysis-periods",
    "overall",
    "--metric",
    "retained",
    "--output-dir",
    outputDir,
    ...more,
  ])

const exportTo = (outputDir: string, ...more: ReadonlyArray<string>) =>
  runCli([
    "export",
    "--duckdb-path",
    db,
    "--experiments-file",
    experiments,
    "--output-dir",
    outputDir,
    ...more,
  ])

/** Every file under `root` with its modification time, in nanoseconds. */
const modified = (root: string): Record<string, bigint> =>
  Object.fromEntries(
    readdirSync(root, { recursive: true, encoding: "utf8" })
      .map((name) => Path.join(root, name))
      .filter((path) => statSync(path).isFile())
      .map((path) => [Path.relative(root, path), statSync(path, { bigint: true }).mtimeNs]),
  )

beforeAll(async () => {
  folder = mkdtempSync(Path.join(tmpdir(), "slipstream-publishing-"))
  db = Path.join(folder, "demo.duckdb")
  expect((await runCli(["demo-data", "--clients", "3000", "--db", db])).status).toBe(0)
}, 120_000)

afterAll(() => rmSync(folder, { recursive: true, force: true }))

describe("an output folder that cannot be written", () => {
  it("is refused before the warehouse is opened: exit 2, one line naming the folder", async () => {
    const file = Path.join(folder, "a-file")
    writeFileSync(file, "not a folder")
    const statements = Path.join(folder, "statements")
    for (const outputDir of [file, Path.join(file, "out")]) {
      const result = await run(outputDir, "--sql-output-dir", statements)
      expect(result.status).toBe(2)
      expect(result.stdout).toBe("")
      expect(result.stderr.trim().split("\n")).toEqual([
        expect.stringMatching(
          new RegExp(`^slipstream: --output-dir ${outputDir}: cannot write in ${outputDir}: E`),
        ),
      ])
      // Not one statement was sent to the warehouse.
      expect(existsSync(statements)).toBe(false)
    }
    const exported = await exportTo(Path.join(file, "out"))
    expect(exported.status).toBe(2)
    expect(exported.stderr).toContain(`--output-dir ${Path.join(file, "out")}: cannot write in`)
  }, 120_000)
})

describe("publishing what did not change", () => {
  it("writes no file on an identical rerun, nor on an export of the same results", async () => {
    const out = Path.join(folder, "rerun")
    const first = await run(out)
    expect(first.status).toBe(0)
    expect(first.stdout).toMatch(/^published: 4 files written, 0 unchanged$/m)
    const before = modified(out)
    expect(Object.keys(before).sort()).toEqual([
      "errors/errors_demo_new_tab_layout.json",
      "metadata/metadata_demo_new_tab_layout.json",
      "reports/demo_new_tab_layout.html",
      "reports/index.html",
      "reports/index.json",
      "statistics/statistics_demo_new_tab_layout_overall.json",
    ])

    const again = await run(out)
    expect(again.status).toBe(0)
    expect(again.stdout).toMatch(/^published: 0 files written, 4 unchanged$/m)
    expect(modified(out)).toEqual(before)

    const exported = await exportTo(out, "--json")
    expect(exported.status).toBe(0)
    const { files } = JSON.parse(exported.stdout) as {
      readonly files: ReadonlyArray<{ readonly outcome: string }>
    }
    expect(files.length).toBeGreaterThan(0)
    expect(files.filter(({ outcome }) => outcome !== "unchanged")).toEqual([])
    expect(modified(out)).toEqual(before)
  }, 120_000)
})

describe("a run whose results could not all be published", () => {
  it("says FAILED and what was not published, with exit 1", async () => {
    const out = Path.join(folder, "blocked")
    // A folder where the errors file goes: the folder itself can be written, that file not.
    mkdirSync(Path.join(out, "errors", "errors_demo_new_tab_layout.json"), { recursive: true })
    const result = await run(out)
    expect(result.status).toBe(1)
    const lines = result.stdout.trim().split("\n")
    expect(lines[0]).toMatch(/^FAILED: 2026-10-12, 1 experiment analysed/)
    expect(lines.some((line) => line.startsWith("OK"))).toBe(false)
    expect(lines).toContain("published: 0 files written, 0 unchanged, 1 not published")
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^not published: demo-new-tab-layout: cannot write ${Path.join(out, "errors", "errors_demo_new_tab_layout.json")}: EISDIR`,
        ),
      ),
    )

    const json = await run(out, "--json")
    expect(json.status).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({
      failed: true,
      published: {
        failures: [expect.stringMatching(/^demo-new-tab-layout: cannot write .*EISDIR/)],
      },
    })
  }, 120_000)
})
