import * as NodeContext from "@effect/platform-node/NodeContext"
import { expect, layer } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { demoExperimentsFile } from "../../src/cli/demo-command.js"
import type { AnalysisPeriod } from "../../src/domain/analysis-period.js"
import { createDemoData } from "../../src/pipeline/demo-data.js"
import { demoDates, demoRunSettings } from "../../src/pipeline/demo-run.js"
import { runDate, runDates } from "../../src/pipeline/run.js"
import type { RunEvent } from "../../src/pipeline/run-event.js"
import { ConfigRepository } from "../../src/services/config-repository.js"
import { ExperimentSource } from "../../src/services/experiment-source.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import { expectNearlyEqual } from "../support/nearly-equal.js"
import { rowObjects } from "../support/sql-fixtures.js"

/**
 * The daily run end to end on the demo warehouse: generated telemetry with known injected
 * effects (src/demo/demo-calendar.ts), the bundled config, the demo's Experimenter records.
 * Periods and metrics are limited to what the assertions read, to keep the test short.
 */
const periods: ReadonlyArray<AnalysisPeriod> = ["preenrollment_week", "week", "overall"]
const metrics = ["active_hours", "search_count", "uri_count", "retained"]
const settings = { ...demoRunSettings(3), periods, metrics }

const services = Layer.mergeAll(
  Warehouse.duckDb({ path: ":memory:", threads: 2 }),
  ExperimentSource.local(demoExperimentsFile),
  ConfigRepository.fromDirectories([]),
).pipe(Layer.provide(NodeContext.layer))

/**
 * Daily searches are floor(4U) (U uniform), ×1.05 inside the floor for the treatment: means
 * 1.5 and (0 + 1 + 2 + 3 + 4 · 0.2) / 4.2, so the true uplift is 7.9%, not 5%.
 */
const searchUplift = 6.8 / 4.2 / 1.5 - 1

const statistics = (view: string, where: string) =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const result = yield* warehouse.query(`SELECT * FROM ${view} WHERE ${where}`, "test")
    return rowObjects(result.columns, result.columnNames)
  })

layer(services, { timeout: 600_000 })("the daily run on the demo warehouse", (it) => {
  const calendar = Effect.gen(function* () {
    const warehouse = yield* Warehouse
    if (yield* warehouse.tableExists("logs")) return undefined
    yield* createDemoData({ clients: 20_000, seed: 11 })
    return Chunk.toReadonlyArray(yield* Stream.runCollect(runDates(demoDates(), settings)))
  })

  it.effect(
    "streams each window as it is written, and nothing fails",
    () =>
      Effect.gen(function* () {
        const events = (yield* calendar) ?? []
        const failures = events.filter(
          (event) =>
            event.kind === "experiment-failed" ||
            (event.kind === "skipped" && event.status === "invalid"),
        )
        expect(failures).toEqual([])
        const items = events.filter(
          (event): event is Extract<RunEvent, { kind: "item" }> => event.kind === "item",
        )
        expect(
          items.flatMap(({ outcome }) => outcome.problems.filter(({ level }) => level === "ERROR")),
        ).toEqual([])
        // Per experiment: started, its items, finished — in that order.
        for (const slug of ["demo-new-tab-layout", "demo-sidebar-onboarding", "demo-aa-check"]) {
          const mine = events.filter((event) =>
            event.kind === "item"
              ? event.outcome.experiment === slug
              : "experiment" in event && event.experiment === slug,
          )
          const kinds = mine.map(({ kind }) => kind).filter((kind) => kind !== "skipped")
          expect(kinds.length).toBeGreaterThan(2)
          expect(kinds.filter((kind) => kind === "started").length).toBe(
            kinds.filter((kind) => kind === "finished").length,
          )
        }
        const overall = items.find(
          ({ outcome }) =>
            outcome.experiment === "demo-new-tab-layout" && outcome.period === "overall",
        )
        expect(overall?.outcome.date).toBe("2026-10-12")
        expect(overall?.outcome.statisticsTable).toBe("statistics_demo_new_tab_layout_overall_1")
      }),
    600_000,
  )

  it.effect(
    "finds the injected effects inside their 95% intervals",
    () =>
      Effect.gen(function* () {
        yield* calendar
        const uplift = (view: string, metric: string, statistic: string, branch: string) =>
          statistics(
            view,
            `metric = '${metric}' AND statistic = '${statistic}' AND branch = '${branch}' AND comparison = 'relative_uplift' AND comparison_to_branch = 'control' AND segment = 'all' AND analysis_basis = 'enrollments'`,
          )
        const hours = yield* uplift(
          "statistics_demo_new_tab_layout_overall",
          "active_hours",
          "mean",
          "treatment",
        )
        expect(hours).toHaveLength(1)
        expect(hours[0]?.lower).toBeLessThan(0.08)
        expect(hours[0]?.upper).toBeGreaterThan(0.08)
        expect(hours[0]?.lower).toBeGreaterThan(0)
        const searches = yield* uplift(
          "statistics_demo_new_tab_layout_overall",
          "search_count",
          "mean",
          "treatment",
        )
        expect(searches[0]?.lower).toBeLessThan(searchUplift)
        expect(searches[0]?.upper).toBeGreaterThan(searchUplift)
        const adjusted = yield* uplift(
          "statistics_demo_new_tab_layout_overall",
          "active_hours",
          "mean_lm",
          "treatment",
        )
        expect(adjusted[0]?.lower).toBeLessThan(0.08)
        expect(adjusted[0]?.upper).toBeGreaterThan(0.08)
        const uris = yield* uplift(
          "statistics_demo_sidebar_onboarding_weekly",
          "uri_count",
          "mean",
          "treatment-a",
        )
        expect(uris.length).toBeGreaterThanOrEqual(4)
        for (const week of uris) {
          expect(week.lower).toBeLessThan(0.1)
          expect(week.upper).toBeGreaterThan(0.1)
        }
        const untouched = yield* uplift(
          "statistics_demo_sidebar_onboarding_weekly",
          "uri_count",
          "mean",
          "treatment-b",
        )
        expect(
          untouched.filter((week) => Number(week.lower) > 0 || Number(week.upper) < 0).length,
        ).toBeLessThanOrEqual(1)
      }),
    600_000,
  )

  it.effect(
    "shows the A/A experiment no more significant differences than 95% allows",
    () =>
      Effect.gen(function* () {
        yield* calendar
        const comparisons = yield* statistics(
          "statistics_demo_aa_check_weekly",
          "comparison = 'difference' AND comparison_to_branch = 'control' AND lower IS NOT NULL AND statistic IN ('mean', 'binomial', 'mean_lm')",
        )
        expect(comparisons.length).toBeGreaterThanOrEqual(10)
        const significant = comparisons.filter(
          ({ lower, upper }) => Number(lower) > 0 || Number(upper) < 0,
        )
        // Under the null each interval misses 0 with probability 5%: allow the binomial's
        // 99.9% upper bound of significant ones.
        const n = comparisons.length
        expect(significant.length).toBeLessThanOrEqual(
          Math.ceil(0.05 * n + 3.1 * Math.sqrt(n * 0.05 * 0.95)),
        )
      }),
    600_000,
  )

  it.effect(
    "writes populations per branch, segment and basis, and the sample-ratio test",
    () =>
      Effect.gen(function* () {
        yield* calendar
        const counts = yield* statistics(
          "statistics_demo_new_tab_layout_overall",
          "metric = 'identity' AND statistic = 'count' AND analysis_basis = 'enrollments'",
        )
        const bySegment = new Map<string, number>()
        for (const row of counts)
          bySegment.set(
            String(row.segment),
            (bySegment.get(String(row.segment)) ?? 0) + Number(row.point),
          )
        expect([...bySegment.keys()].sort()).toEqual(["all", "existing_users", "new_users"])
        expect(
          (bySegment.get("new_users") ?? 0) + (bySegment.get("existing_users") ?? 0),
        ).toBeLessThanOrEqual(bySegment.get("all") ?? 0)
        const ratio = yield* statistics(
          "statistics_demo_new_tab_layout_overall",
          "metric = 'sample_ratio_mismatch' AND analysis_basis = 'enrollments'",
        )
        expect(ratio).toHaveLength(1)
        expect(Number(ratio[0]?.p_value)).toBeGreaterThan(0.001)
      }),
    600_000,
  )

  it.effect(
    "rewrites the same tables when a date is rerun: no duplicates, same numbers",
    () =>
      Effect.gen(function* () {
        yield* calendar
        const warehouse = yield* Warehouse
        const snapshot = Effect.gen(function* () {
          const rows = yield* statistics(
            "statistics_demo_new_tab_layout_overall",
            "TRUE ORDER BY ALL",
          )
          const logs = yield* warehouse.query(
            "SELECT COUNT(*) AS n FROM logs WHERE experiment = 'demo-new-tab-layout' AND analysis_date = '2026-10-12'",
            "test",
          )
          return { rows, logs: Number(logs.columns[0]?.[0]) }
        })
        const before = yield* snapshot
        yield* Stream.runDrain(
          runDate("2026-10-12", { ...settings, experiments: ["demo-new-tab-layout"] }),
        )
        const after = yield* snapshot
        expectNearlyEqual(after, before)
        const views = yield* warehouse.listTables("statistics_demo_new_tab_layout_")
        expect(views).toContain("statistics_demo_new_tab_layout_weekly")
        const weeks = yield* statistics(
          "statistics_demo_new_tab_layout_weekly",
          "metric = 'identity' AND statistic = 'count' AND segment = 'all' AND analysis_basis = 'enrollments' AND branch = 'control'",
        )
        expect(weeks.map(({ window_index }) => window_index).sort()).toEqual([
          "1",
          "2",
          "3",
          "4",
          "5",
        ])
      }),
    600_000,
  )

  it.effect(
    "recomputes only the --metric asked for, keeping the other metrics' rows of the window",
    () =>
      Effect.gen(function* () {
        yield* calendar
        const rowsOf = (metric: string) =>
          statistics(
            "statistics_demo_new_tab_layout_overall_1",
            `metric = '${metric}' ORDER BY ALL`,
          )
        const hours = yield* rowsOf("active_hours")
        const retained = yield* rowsOf("retained")
        expect(hours.length).toBeGreaterThan(100)
        yield* Stream.runDrain(
          runDate("2026-10-12", {
            ...settings,
            experiments: ["demo-new-tab-layout"],
            periods: ["overall"],
            metrics: ["retained"],
          }),
        )
        expectNearlyEqual(yield* rowsOf("active_hours"), hours)
        expectNearlyEqual(yield* rowsOf("retained"), retained)
        expect((yield* rowsOf("identity")).length).toBeGreaterThan(0)
      }),
    600_000,
  )

  it.effect(
    "logs problems with their place in the logs table",
    () =>
      Effect.gen(function* () {
        yield* calendar
        const warehouse = yield* Warehouse
        const result = yield* warehouse.query("SELECT * FROM logs", "test")
        const logs = rowObjects(result.columns, result.columnNames)
        for (const row of logs) {
          expect(Object.keys(row).sort()).toEqual([
            "analysis_basis",
            "analysis_date",
            "exception_type",
            "experiment",
            "log_level",
            "message",
            "metric",
            "period",
            "segment",
            "statistic",
            "timestamp",
          ])
          expect(["ERROR", "WARNING"]).toContain(row.log_level)
        }
      }),
    600_000,
  )
})
