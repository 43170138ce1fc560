import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectNearlyEqual } from "../support/nearly-equal.js"
import { runCli as runCliAnywhere } from "../support/run-cli.js"

/**
 * The daily-run commands through the real CLI on a small demo warehouse. Periods and metrics
 * are narrowed with their flags so each run takes seconds.
 */
const experiments = "config/demo/experiments.json"
const fixtures = "test/fixtures/run"
let folder = ""
let db = ""
/** The CLI with its exports going to the test's folder, not the project's ./out. */
const runCli = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) =>
  runCliAnywhere(args, { SLIPSTREAM_OUTPUT_DIR: Path.join(folder, "out"), ...env })
const narrow = ["--analysis-periods", "overall", "--metric", "active_hours"]
/** `run` of the ended demo experiment on its end date, on the test's warehouse. */
const newTabLayoutOn1012 = (): ReadonlyArray<string> => [
  "run",
  "--date",
  "2026-10-12",
  "--duckdb-path",
  db,
  "--experiments-file",
  experiments,
  "--experiment",
  "demo-new-tab-layout",
]

beforeAll(() => {
  folder = mkdtempSync(Path.join(tmpdir(), "slipstream-run-"))
  db = Path.join(folder, "demo.duckdb")
  expect(runCli(["demo-data", "--clients", "3000", "--db", db]).status).toBe(0)
}, 120_000)

afterAll(() => rmSync(folder, { recursive: true, force: true }))

describe("slipstream plan", () => {
  it("shows what is due and why the rest is not, as JSON, without running", () => {
    const result = runCli([
      "plan",
      "--date",
      "2026-10-12",
      "--experiments-file",
      experiments,
      "--json",
    ])
    expect(result.status).toBe(0)
    const plan = JSON.parse(result.stdout)
    expect(plan.date).toBe("2026-10-12")
    const bySlug = new Map(
      plan.experiments.map((line: { experiment: string }) => [line.experiment, line]),
    )
    expect(bySlug.get("demo-new-tab-layout")).toMatchObject({
      status: "due",
      windows: expect.arrayContaining([
        { period: "overall", index: 1 },
        { period: "week", index: 5 },
      ]),
    })
    expect(bySlug.get("demo-sidebar-onboarding")).toMatchObject({
      status: "not-analysed",
      reasonType: "EnrollmentNotComplete",
    })
    // Not started on that date: not even looked at.
    expect(bySlug.has("demo-aa-check")).toBe(false)
  })
})

describe("slipstream plan, experiments the run refuses", () => {
  it("says which experiment would take another's tables, and exits 1", () => {
    const result = runCli([
      "plan",
      "--date",
      "2026-10-12",
      "--experiments-file",
      "test/fixtures/experimenter/colliding-slugs.json",
      "--json",
    ])
    expect(result.status).toBe(1)
    const lines = JSON.parse(result.stdout).experiments
    expect(lines).toEqual([
      expect.objectContaining({ experiment: "demo-new-tab-layout", status: "due" }),
      expect.objectContaining({
        experiment: "demo_new_tab_layout",
        status: "invalid",
        reasonType: "TableNameCollision",
        reason:
          '"demo_new_tab_layout" is not analysed: its tables would share names with those of "demo-new-tab-layout" (both would write enrollments_demo_new_tab_layout); rename one of the slugs',
      }),
    ])
  })
})

describe("--sql-output-dir", () => {
  it("plan writes the statements a run would send, and the run sends the same SQL for them", () => {
    const planned = Path.join(folder, "planned-sql")
    const ran = Path.join(folder, "run-sql")
    const plan = runCli([
      "plan",
      "--date",
      "2026-10-12",
      "--experiments-file",
      experiments,
      "--experiment",
      "demo-new-tab-layout",
      "--sql-output-dir",
      planned,
    ])
    expect(plan.status).toBe(0)
    expect(plan.stderr).toContain(`SQL of 1 experiment written to ${planned}`)
    const run = runCli(
      [...newTabLayoutOn1012(), "--analysis-periods", "overall", "--sql-output-dir", ran],
      { SLIPSTREAM_OUTPUT_DIR: Path.join(folder, "out-sql") },
    )
    expect(run.status).toBe(0)
    /** Statement text by what it computes (a table written in chunks has several). */
    const statements = (root: string) => {
      const byName = new Map<string, string>()
      for (const name of readdirSync(Path.join(root, "demo_new_tab_layout")).sort()) {
        const text = readFileSync(Path.join(root, "demo_new_tab_layout", name), "utf8")
        const what = name.replace(/^\d+-/, "")
        byName.set(what, `${byName.get(what) ?? ""}${text}`)
      }
      return byName
    }
    const fromPlan = statements(planned)
    const fromRun = statements(ran)
    for (const name of [
      "overall-1-metrics-enrollments.sql",
      "overall-1-metrics-exposures.sql",
      "population-overall-1-enrollments.sql",
      "statistics-overall-window-1.sql",
    ]) {
      expect(fromPlan.has(name), name).toBe(true)
      expect(fromRun.has(name), name).toBe(true)
    }
    expect(fromRun.get("overall-1-metrics-enrollments.sql")).toBe(
      fromPlan.get("overall-1-metrics-enrollments.sql"),
    )
    // BigQuery SQL whatever the engine: literal rows as arrays of structs, never VALUES.
    const written = fromRun.get("statistics-overall-window-1.sql") ?? ""
    expect(written).toContain("UNNEST(ARRAY<STRUCT<")
    expect(written).not.toMatch(/\bVALUES\b/)
    // The plan's rows are made of no data, the run's of the warehouse's.
    expect(
      [...fromPlan.keys()].some((name) => name.endsWith("push-downs-overall-1-enrollments.sql")),
    ).toBe(true)
  })
})

describe("slipstream run", () => {
  it("runs a date from settings in the environment, JSON logs on stderr and a JSON summary on stdout", () => {
    const result = runCli(
      ["run", "--date", "2026-10-12", "--experiment", "demo-new-tab-layout", ...narrow, "--json"],
      {
        SLIPSTREAM_DUCKDB_PATH: db,
        SLIPSTREAM_EXPERIMENTS_FILE: experiments,
        SLIPSTREAM_LOG_FORMAT: "json",
        SLIPSTREAM_LOG_LEVEL: "debug",
      },
    )
    expect(result.status).toBe(0)
    const summary = JSON.parse(result.stdout)
    expect(summary).toMatchObject({
      failed: false,
      analysed: ["demo-new-tab-layout"],
      items: 1,
      statisticsTables: ["statistics_demo_new_tab_layout_overall_1"],
    })
    expect(summary.warehouse.queries).toBeGreaterThan(5)
    expect(summary.published).toMatchObject({
      index: Path.join(folder, "out", "reports", "index.html"),
      failures: [],
    })
    expect(summary.published.written).toBeGreaterThanOrEqual(4)
    const logs = result.stderr
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
    expect(logs.filter(({ message }) => message === "query").length).toBe(summary.warehouse.queries)
    expect(logs.every(({ severity }) => ["DEBUG", "INFO", "WARN"].includes(severity))).toBe(true)
    // A linear model's covariate table is looked for per basis, not per summary and segment:
    // once to compute it if missing (src/pipeline/covariate-tables.ts), once for the summaries.
    expect(
      logs
        .filter(({ message }) => message === "query")
        .map(({ purpose }) => String(purpose))
        .filter(
          (purpose) =>
            purpose.startsWith("checking for table") && purpose.includes("preenrollment"),
        ),
    ).toEqual([
      "checking for table demo_new_tab_layout_enrollments_preenrollment_week_1",
      "checking for table demo_new_tab_layout_enrollments_preenrollment_week_1",
      "checking for table demo_new_tab_layout_exposures_preenrollment_week_1",
      "checking for table demo_new_tab_layout_exposures_preenrollment_week_1",
    ])
    expect(logs.find(({ message }) => message === "run finished")).toMatchObject({
      severity: "INFO",
      message: "run finished",
      queries: summary.warehouse.queries,
    })
  })

  it("computes the same statistics on worker threads as on the main thread (--threads 0)", () => {
    const statisticsIn = (threads: string) => {
      const outputDir = Path.join(folder, `threads-${threads}`)
      const result = runCli([...newTabLayoutOn1012(), ...narrow, "--output-dir", outputDir], {
        SLIPSTREAM_THREADS: threads,
      })
      expect(result.status).toBe(0)
      const file = Path.join(outputDir, "statistics", "statistics_demo_new_tab_layout_overall.json")
      const rows: ReadonlyArray<Record<string, unknown>> = JSON.parse(readFileSync(file, "utf8"))
      return rows
    }
    const onThreads = statisticsIn("2")
    expect(onThreads.filter((row) => row.statistic === "mean").length).toBeGreaterThan(0)
    expectNearlyEqual(statisticsIn("0"), onThreads)
  })

  it("--statistics-only reuses the metrics tables, and says which one is missing", () => {
    const common = [...newTabLayoutOn1012(), "--metric", "active_hours", "--json"]
    const reused = runCli([...common, "--analysis-periods", "overall", "--statistics-only"])
    expect(reused.status).toBe(0)
    expect(JSON.parse(reused.stdout)).toMatchObject({ items: 1, failed: false })
    const missing = runCli([...common, "--analysis-periods", "week", "--statistics-only"])
    expect(missing.status).toBe(1)
    expect(missing.stdout).toContain(
      "--statistics-only needs demo_new_tab_layout_enrollments_week_5",
    )
  })

  it("logs a broken metric, computes the others, and exits 1", () => {
    const result = runCli([
      ...newTabLayoutOn1012(),
      "--analysis-periods",
      "overall",
      "--config-file",
      `${fixtures}/broken-metric.toml`,
      "--json",
    ])
    expect(result.status).toBe(1)
    const summary = JSON.parse(result.stdout)
    // One problem for the metric in that window, naming both bases it failed in.
    expect(summary.errors).toEqual([
      expect.objectContaining({
        metric: "broken_metric",
        period: "overall",
        windowIndex: 1,
        analysisBasis: null,
        exceptionType: "WarehouseError",
      }),
    ])
    expect(summary.errors[0].message).toContain("no_such_column")
    expect(summary.errors[0].message).toContain("bases enrollments, exposures")
    expect(summary.statisticsRows).toBeGreaterThan(1000)
  })

  it("refuses a config file metric-config-parser refuses, naming the key (exit 2)", () => {
    const result = runCli([
      ...newTabLayoutOn1012(),
      "--config-file",
      `${fixtures}/not-a-config.toml`,
    ])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('unknown top-level key "experimnt"')
  })

  it("exits 2 when BigQuery is asked for without a project and dataset", () => {
    const result = runCli(["run", "--date", "2026-10-12"], { SLIPSTREAM_ENGINE: "bigquery" })
    expect(result.status).toBe(2)
    expect(result.stderr).toContain("--project-id")
  })

  it("reports an experiment the source does not know and exits 1", () => {
    const result = runCli([
      "run",
      "--date",
      "2026-10-12",
      "--duckdb-path",
      db,
      "--experiments-file",
      experiments,
      "--experiment",
      "no-such-experiment",
    ])
    expect(result.status).toBe(1)
    expect(result.stdout).toContain('no experiment "no-such-experiment" in the experiment source')
  })

  it("exits 2 on a date that is not one", () => {
    const result = runCli([
      "run",
      "--date",
      "12/10/2026",
      "--experiments-file",
      experiments,
      "--duckdb-path",
      db,
    ])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain("not a YYYY-MM-DD date")
  })

  it("refuses a date after yesterday before opening the warehouse (exit 2, nothing made)", () => {
    const untouched = Path.join(folder, "never-created.duckdb")
    const result = runCli([
      "run",
      "--date",
      "9999-12-31",
      "--experiments-file",
      experiments,
      "--duckdb-path",
      untouched,
    ])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/--date 9999-12-31 is after yesterday \(\d{4}-\d{2}-\d{2}, UTC\)/)
    expect(existsSync(untouched)).toBe(false)
  })

  it("refuses settings outside their bounds, naming the bound (exit 2)", () => {
    const threads = runCli([...newTabLayoutOn1012(), "--threads", "1000"])
    expect(threads.status).toBe(2)
    expect(threads.stderr).toContain("--threads must be between 0 and 64")
    const concurrency = runCli([...newTabLayoutOn1012()], { SLIPSTREAM_CONCURRENCY: "0" })
    expect(concurrency.status).toBe(2)
    expect(concurrency.stderr).toContain("--concurrency must be between 1 and 64")
    const clients = runCli(["demo-data", "--clients", "-5", "--db", Path.join(folder, "no.duckdb")])
    expect(clients.status).toBe(2)
    expect(clients.stderr).toContain("--clients must be between 1 and 10,000,000")
  })
})

describe("slipstream rerun-config-changed", () => {
  it("reruns exactly the experiments whose resolved configuration changed", () => {
    const common = ["--duckdb-path", db, "--experiments-file", experiments, ...narrow, "--json"]
    const first = runCli([
      "run",
      "--date",
      "2026-10-12",
      "--experiment",
      "demo-new-tab-layout",
      ...common,
    ])
    expect(first.status).toBe(0)
    const unchanged = runCli(["rerun-config-changed", ...common])
    expect(JSON.parse(unchanged.stdout).analysed).toEqual([])
    const changed = runCli([
      "rerun-config-changed",
      "--config-repo",
      `${fixtures}/changed-config`,
      ...common,
    ])
    expect(changed.status).toBe(0)
    expect(JSON.parse(changed.stdout)).toMatchObject({
      analysed: ["demo-new-tab-layout"],
      dates: expect.arrayContaining(["2026-09-01", "2026-10-12", "2026-10-13"]),
    })
    // The new hash is stored: nothing changed since.
    const again = runCli([
      "rerun-config-changed",
      "--config-repo",
      `${fixtures}/changed-config`,
      ...common,
    ])
    expect(JSON.parse(again.stdout).analysed).toEqual([])
    // Four CLI runs, one of them over every date: about 22 s alone, more on a loaded machine.
  }, 120_000)
})

describe("slipstream export", () => {
  it("publishes what the warehouse holds, then skips what has not changed", () => {
    const args = [
      "export",
      "--duckdb-path",
      db,
      "--experiments-file",
      experiments,
      "--output-dir",
      Path.join(folder, "exported"),
    ]
    const first = runCli(args)
    expect(first.status).toBe(0)
    expect(first.stdout).toContain(
      "written\tstatistics/statistics_demo_new_tab_layout_overall.json",
    )
    expect(first.stdout.trim().split("\n").at(-1)).toBe(
      `report: ${Path.join(folder, "exported", "reports", "index.html")}`,
    )
    const second = runCli([...args, "--json"])
    const { files } = JSON.parse(second.stdout)
    expect(files).toContainEqual({
      slug: "demo-new-tab-layout",
      path: "statistics/statistics_demo_new_tab_layout_overall.json",
      outcome: "unchanged",
    })
  })
})

describe("slipstream ensure-enrollments", () => {
  it("creates the enrollments table once, and again with --recreate-enrollments", () => {
    const args = [
      "ensure-enrollments",
      "--duckdb-path",
      db,
      "--experiments-file",
      experiments,
      "--experiment",
      "demo-aa-check",
      "--date",
      "2026-10-28",
    ]
    expect(runCli(args).stdout.trim()).toBe("enrollments_demo_aa_check\tcreated")
    expect(runCli(args).stdout.trim()).toBe("enrollments_demo_aa_check\texists")
    expect(runCli([...args, "--recreate-enrollments"]).stdout.trim()).toBe(
      "enrollments_demo_aa_check\tcreated",
    )
  })
})
