import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { DuckDBInstance } from "@duckdb/node-api"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { StatisticResult } from "../../src/domain/statistic-result.js"
import { type AnalyzeTableRequest, analyzeTable } from "../../src/pipeline/analyze-table.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import { runCli } from "../support/run-cli.js"

/**
 * Input that used to be accepted quietly (issue 12, finding 9): each case is now a warning
 * or a refusal with its exit status and one line naming the flag, file, branch or metric.
 * Each runs the CLI from source (a few seconds a process): tests that run several have time.
 */
const folder = mkdtempSync(Path.join(tmpdir(), "slipstream-quiet-"))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const csv = (name: string, lines: ReadonlyArray<string>) => {
  const file = Path.join(folder, name)
  writeFileSync(file, `${lines.join("\n")}\n`)
  return file
}
/** Two branches of 40 clients: hours from 0 to 10, retained as true/false. */
const clients = csv("clients.csv", [
  "branch,hours,retained",
  ...Array.from(
    { length: 80 },
    (_, client) =>
      `${client % 2 === 0 ? "control" : "treatment"},${((client * 37) % 101) / 10},${client % 3 === 0}`,
  ),
])
const rowsOf = (stdout: string): ReadonlyArray<StatisticResult> => JSON.parse(stdout)
/** The analysis analyze-table runs, in this process (what its flags would ask). */
const analyze = (
  request: Partial<AnalyzeTableRequest> & Pick<AnalyzeTableRequest, "metric" | "statistic">,
) =>
  analyzeTable({
    file: clients,
    parameters: {},
    preTreatments: [],
    branchColumn: "branch",
    seed: 1,
    ...request,
  }).pipe(Effect.provide(Warehouse.duckDb({ path: ":memory:" })))
const experiments = "config/demo/experiments.json"

const withDuckDb = async (file: string, statements: ReadonlyArray<string>) => {
  const instance = await DuckDBInstance.create(file)
  const connection = await instance.connect()
  for (const statement of statements) await connection.run(statement)
  const tables = (
    await connection.runAndReadAll("SELECT table_name FROM information_schema.tables ORDER BY 1")
  )
    .getColumnsJS()[0]
    ?.map(String)
  connection.closeSync()
  instance.closeSync()
  return tables ?? []
}

describe("analyze-table", () => {
  it("refuses binomial of a metric that is not 0/1, naming the metric and a value (exit 1)", async () => {
    const result = runCli([
      "analyze-table",
      clients,
      "--metric",
      "hours",
      "--statistic",
      "binomial",
    ])
    expect(result.status).toBe(1)
    expect(result.stderr.trim()).toMatch(
      /^slipstream analyze-table: metric "hours": binomial needs values 0 or 1 \(or a boolean\) per client: branch control: \d+ of 40 clients have other values \(e\.g\. [\d.]+\)/,
    )
    // A boolean column is what binomial counts: 14 of 40 control clients, Beta(15, 27).
    const retained = await Effect.runPromise(analyze({ metric: "retained", statistic: "binomial" }))
    const control = retained.results.find(
      (row) => row.branch === "control" && row.comparison === null && row.metric === "retained",
    )
    expect(control?.point).toBeCloseTo(15 / 42, 10)
  }, 120_000)

  it("refuses --ratio with a weight that is not a number ≥ 0 as a usage error (exit 2)", async () => {
    const word = runCli([
      "analyze-table",
      clients,
      "--metric",
      "hours",
      "--statistic",
      "count",
      "--ratio",
      "control=abc",
    ])
    expect(word.status).toBe(2)
    expect(word.stderr.trim()).toBe(
      'slipstream analyze-table: --ratio control=abc: the weight "abc" is not a number ≥ 0 (see slipstream analyze-table --help)',
    )
    // A weight for a branch the table does not have is bad input (exit 1), named.
    const unknown = await Effect.runPromise(
      Effect.flip(
        analyze({ metric: "hours", statistic: "count", ratios: { contrl: 1, treatment: 1 } }),
      ),
    )
    expect(unknown.message).toBe(
      'a ratio is given for "contrl", not a branch of column "branch" (control, treatment)',
    )
  }, 120_000)

  it("leaves out rows without a branch, saying how many, in CSV and Parquet", async () => {
    const gaps = csv("gaps.csv", [
      "branch,hours",
      "control,1",
      ",2",
      "treatment,3",
      "  ,4",
      "control,5",
      "treatment,6",
    ])
    const parquet = Path.join(folder, "gaps.parquet")
    await withDuckDb(":memory:", [
      `COPY (SELECT CASE WHEN i % 4 = 0 THEN NULL WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS branch, i::DOUBLE AS hours FROM range(10) t(i)) TO '${parquet}' (FORMAT parquet)`,
    ])
    const result = runCli([
      "analyze-table",
      gaps,
      "--metric",
      "hours",
      "--statistic",
      "count",
      "--format",
      "json",
    ])
    expect(result.status).toBe(0)
    expect(result.stderr.trim()).toBe(
      'warning: 2 rows have no branch (column "branch" empty, first at row 2): left out',
    )
    const counted = rowsOf(result.stdout).filter((row) => row.metric === "hours")
    expect(Object.fromEntries(counted.map((row) => [row.branch, row.point]))).toEqual({
      control: 2,
      treatment: 2,
    })
    // Parquet's NULLs alike: rows 1, 5 and 9 (i = 0, 4, 8) have none.
    const fromParquet = await Effect.runPromise(
      analyze({ file: parquet, metric: "hours", statistic: "count" }),
    )
    expect(fromParquet.warnings).toContain(
      '3 rows have no branch (column "branch" empty, first at row 1): left out',
    )
    expect(
      Object.fromEntries(
        fromParquet.results
          .filter((row) => row.metric === "hours")
          .map((row) => [row.branch, row.point]),
      ),
    ).toEqual({ a: 2, b: 5 })
  }, 120_000)

  it("gives a branch of one client no interval, with a warning naming it and its count", () => {
    const one = csv("one.csv", [
      "branch,hours",
      ...Array.from({ length: 30 }, (_, client) => `control,${(client % 7) + 0.5}`),
      "solo,1",
    ])
    const result = runCli([
      "analyze-table",
      one,
      "--metric",
      "hours",
      "--statistic",
      "bootstrap_mean",
      "--param",
      "num_samples=500",
      "--format",
      "json",
    ])
    expect(result.status).toBe(0)
    expect(result.stderr.trim()).toBe(
      "warning: branch solo has 1 client, fewer than the 2 an interval needs: its estimates and the comparisons with it have no bounds",
    )
    const rows = rowsOf(result.stdout).filter((row) => row.metric === "hours")
    const involving = rows.filter(
      (row) => row.branch === "solo" || row.comparison_to_branch === "solo",
    )
    // solo's estimate, and a difference and a relative uplift each way.
    expect(involving.length).toBe(5)
    for (const row of involving)
      expect([row.lower, row.upper, row.ci_width]).toEqual([null, null, null])
    expect(rows.find((row) => row.branch === "solo" && row.comparison === null)?.point).toBe(1)
  })
})

describe("validate-config --platform", () => {
  it("refuses a platform it does not know, naming the known ones (exit 2)", () => {
    const result = runCli([
      "validate-config",
      "--platform",
      "nosuch",
      "test/fixtures/metric-hub/jetstream/good-experiment.toml",
    ])
    expect(result.status).toBe(2)
    expect(result.stdout).toBe("")
    expect(result.stderr.trim()).toMatch(
      /^slipstream validate-config: --platform nosuch: unknown platform; known: fenix, firefox_desktop, .*monitor_cirrus/,
    )
  })
})

describe("a DuckDB file that is not there", () => {
  // rerun and rerun-config-changed build their warehouse as run does (run-commands.ts).
  it("is refused by run, export and ensure-enrollments (exit 2), and not created", () => {
    const missing = Path.join(folder, "mistyped.duckdb")
    for (const command of [
      ["run", "--date", "2026-10-12"],
      ["export", "--output-dir", Path.join(folder, "out")],
      ["ensure-enrollments", "--experiment", "demo-aa-check", "--date", "2026-10-28"],
    ]) {
      const result = runCli([
        ...command,
        "--duckdb-path",
        missing,
        "--experiments-file",
        experiments,
      ])
      expect(result.status, command[0]).toBe(2)
      expect(result.stderr.trim(), command[0]).toBe(
        `slipstream: no DuckDB database at ${missing}; create one with \`slipstream demo-data\` or give the right --duckdb-path`,
      )
      expect(existsSync(missing), command[0]).toBe(false)
    }
  }, 120_000)
})

describe("demo-data over a warehouse with results", () => {
  it("refuses (exit 2) unless --replace, which deletes the results with the telemetry", async () => {
    const db = Path.join(folder, "used.duckdb")
    // Results of an earlier run, and a table of someone's that only looks like one.
    await withDuckDb(db, [
      "CREATE TABLE logs AS SELECT 1 AS x",
      "CREATE TABLE logs_archive AS SELECT 1 AS x",
      "CREATE TABLE config_hashes AS SELECT 1 AS x",
      "CREATE TABLE enrollments_demo_aa_check AS SELECT 1 AS x",
      "CREATE TABLE demo_aa_check_enrollments_week_1 AS SELECT 1 AS x",
      "CREATE TABLE demo_aa_check_enrollments_week_10 AS SELECT 1 AS x",
      "CREATE TABLE statistics_demo_aa_check_week_1 AS SELECT 1 AS x",
      "CREATE VIEW statistics_demo_aa_check_weekly AS SELECT * FROM statistics_demo_aa_check_week_1",
    ])
    const refused = runCli(["demo-data", "--clients", "100", "--db", db])
    expect(refused.status).toBe(2)
    expect(refused.stderr.trim()).toBe(
      `slipstream demo-data: ${db} already holds Slipstream results (config_hashes, demo_aa_check_enrollments_week_1, demo_aa_check_enrollments_week_10 and 4 more): give --replace to delete them with the telemetry, or another --db`,
    )
    expect(await withDuckDb(db, [])).not.toContain("clients_daily")
    const replaced = runCli(["demo-data", "--clients", "100", "--db", db, "--replace"])
    expect(replaced.status).toBe(0)
    expect(replaced.stderr).toContain("deleted 7 result tables: config_hashes,")
    expect(await withDuckDb(db, [])).toEqual([
      "clients_daily",
      "demo_clients",
      "desktop_events",
      "logs_archive",
    ])
  }, 120_000)
})
