import * as NodeContext from "@effect/platform-node/NodeContext"
import { expect, layer } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { demoExperimentsFile } from "../../src/cli/demo-command.js"
import { createDemoData } from "../../src/pipeline/demo-data.js"
import { demoRunSettings } from "../../src/pipeline/demo-run.js"
import { runDate } from "../../src/pipeline/run.js"
import { ConfigRepository } from "../../src/services/config-repository.js"
import { ExperimentSource } from "../../src/services/experiment-source.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import { rowObjects } from "../support/sql-fixtures.js"

/**
 * A date's results do not depend on what earlier runs left: day 1 is due the day before the
 * pre-enrollment windows, and its linear model is adjusted on the first run as on a rerun.
 */
const services = Layer.mergeAll(
  Warehouse.duckDb({ path: ":memory:", threads: 1 }),
  ExperimentSource.local(demoExperimentsFile),
  ConfigRepository.fromDirectories([]),
).pipe(Layer.provide(NodeContext.layer))

const settings = {
  ...demoRunSettings(1),
  experiments: ["demo-new-tab-layout"],
  periods: ["day", "preenrollment_week"] as const,
  metrics: ["active_hours"],
}

const dayOneLinearModel = Effect.gen(function* () {
  const warehouse = yield* Warehouse
  const result = yield* warehouse.query(
    "SELECT branch, comparison, point, lower, upper FROM statistics_demo_new_tab_layout_day_1 WHERE statistic = 'mean_lm' AND segment = 'all' ORDER BY analysis_basis, branch, comparison, comparison_to_branch",
    "day 1's linear model",
  )
  return rowObjects(result.columns, result.columnNames)
})

layer(services, { timeout: 300_000 })("the first run of a date", (it) => {
  it.effect("adjusts day 1's linear model as a rerun does", () =>
    Effect.gen(function* () {
      yield* createDemoData({ clients: 2_000, seed: 8 })
      const first = Chunk.toReadonlyArray(yield* Stream.runCollect(runDate("2026-09-08", settings)))
      const items = first.flatMap((event) => (event.kind === "item" ? [event.outcome] : []))
      expect(items.map(({ period, windowIndex }) => `${period} ${windowIndex}`)).toEqual(["day 1"])
      expect(items.flatMap(({ problems }) => problems.map(({ message }) => message))).toEqual([])
      const onFirstRun = yield* dayOneLinearModel
      expect(onFirstRun.length).toBeGreaterThan(0)
      // The pre-enrollment windows are due the next day; then the first date is rerun.
      yield* Stream.runDrain(runDate("2026-09-09", settings))
      yield* Stream.runDrain(runDate("2026-09-08", settings))
      expect(yield* dayOneLinearModel).toEqual(onFirstRun)
    }),
  )
})
