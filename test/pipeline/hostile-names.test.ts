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

/**
 * Experiment slugs come from Experimenter: a hostile one must not escape the dataset, end a
 * string literal, or drop a table. The A/A demo experiment, renamed.
 */
const hostileSlugs = ["../../x", "a'; DROP TABLE logs; --", "`evil`.tbl", 'quote"d\\slug']

describe("hostile experiment slugs", () => {
  it("become sanitised table names and quoted literals; nothing else in the dataset changes", async () => {
    const records = JSON.parse(
      readFileSync(new URL("../../config/demo/experiments.json", import.meta.url), "utf8"),
    ) as ReadonlyArray<{ slug: string }>
    const aa = records.find(({ slug }) => slug === "demo-aa-check")
    const { experiments, errors } = decodeExperiments(hostileSlugs.map((slug) => ({ ...aa, slug })))
    expect(errors).toEqual([])
    const services = Layer.mergeAll(
      Warehouse.duckDb({ path: ":memory:" }),
      ExperimentSource.inMemory(experiments),
      ConfigRepository.fromDirectories([]).pipe(Layer.provide(NodeContext.layer)),
    )
    const program = Effect.gen(function* () {
      const warehouse = yield* Warehouse
      yield* createDemoData({ clients: 1_000, seed: 2 })
      const before = yield* warehouse.listTables("")
      const events = yield* Stream.runCollect(
        runDate(
          "2026-10-28",
          runSettings({
            sources: { desktopEvents: "desktop_events" },
            periods: ["preenrollment_week"],
          }),
        ),
      )
      const logged = yield* warehouse.query(
        "SELECT DISTINCT experiment FROM config_hashes ORDER BY experiment",
        "read back",
      )
      return {
        before,
        after: yield* warehouse.listTables(""),
        summary: summariseRun(Chunk.toReadonlyArray(events), 0),
        logged: logged.columns[0] ?? [],
      }
    })
    const { before, after, summary, logged } = await Effect.runPromise(
      program.pipe(Effect.provide(services)),
    )
    expect(summary.errors).toEqual([])
    expect([...summary.analysed].sort()).toEqual([...hostileSlugs].sort())
    // The demo tables are all still there, and every new table has a name of [a-z0-9_].
    for (const table of before) expect(after).toContain(table)
    const added = after.filter((table) => !before.includes(table))
    for (const table of added) expect(table).toMatch(/^[a-z0-9_]+$/)
    expect(added).toEqual(
      expect.arrayContaining([
        "enrollments_______x",
        "statistics_a___drop_table_logs_____preenrollment_week_1",
        "_evil__tbl_enrollments_preenrollment_week_1",
        "statistics_quote_d_slug_preenrollment_weekly",
        "logs",
        "config_hashes",
      ]),
    )
    // Slugs are data: stored as they are, not as their table names.
    expect(logged).toEqual([...hostileSlugs].sort())
  }, 120_000)
})
