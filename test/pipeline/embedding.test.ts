import { readFileSync } from "node:fs"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Chunk, Effect, Layer, Stream } from "effect"
import { describe, expect, it } from "vitest"
import {
  ConfigRepository,
  createDemoData,
  decodeExperiments,
  ExperimentSource,
  runDate,
  runSettings,
  summariseRun,
  Warehouse,
} from "../../src/index.js"

/** What docs/embedding.md shows: the library with an in-memory DuckDB and experiment list. */
describe("Slipstream embedded in another program", () => {
  it("runs a date over an in-memory experiment list and reads the results back", async () => {
    const { experiments } = decodeExperiments(
      JSON.parse(
        readFileSync(new URL("../../config/demo/experiments.json", import.meta.url), "utf8"),
      ),
    )
    const aa = experiments.filter(({ slug }) => slug === "demo-aa-check")
    const services = Layer.mergeAll(
      Warehouse.duckDb({ path: ":memory:" }),
      ExperimentSource.inMemory(aa),
      ConfigRepository.fromDirectories([]).pipe(Layer.provide(NodeContext.layer)),
    )
    const program = Effect.gen(function* () {
      yield* createDemoData({ clients: 4_000, seed: 5 })
      // 2026-10-28 is the day after the last enrollment date: the pre-enrollment windows are due, and day 2.
      const events = yield* Stream.runCollect(
        runDate("2026-10-28", runSettings({ sources: { desktopEvents: "desktop_events" } })),
      )
      const warehouse = yield* Warehouse
      const result = yield* warehouse.query(
        "SELECT branch, point FROM statistics_demo_aa_check_preenrollment_weekly WHERE metric = 'identity' AND statistic = 'count' AND segment = 'all' AND analysis_basis = 'enrollments' ORDER BY branch",
        "reading back",
      )
      return { summary: summariseRun(Chunk.toReadonlyArray(events), 0), result }
    })
    const { summary, result } = await Effect.runPromise(program.pipe(Effect.provide(services)))
    expect(summary.failed).toBe(false)
    expect(summary.analysed).toEqual(["demo-aa-check"])
    expect(summary.statisticsTables).toEqual([
      "statistics_demo_aa_check_day_2",
      "statistics_demo_aa_check_preenrollment_days28_1",
      "statistics_demo_aa_check_preenrollment_week_1",
    ])
    expect(result.columns[0]).toEqual(["control", "treatment"])
    const [control, treatment] = (result.columns[1] ?? []).map(Number)
    // A quarter of 4,000 clients, split evenly.
    expect((control ?? 0) + (treatment ?? 0)).toBeGreaterThan(800)
    expect(Math.abs((control ?? 0) - (treatment ?? 0))).toBeLessThan(150)
  })
})
