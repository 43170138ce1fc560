import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll, expect, layer } from "@effect/vitest"
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
 * A config metric-config-parser accepts is analysed (issue 15, item 1): its unknown keys are
 * warnings, recorded where problems go (the logs table, level WARNING) with file and key path.
 */
const repository = mkdtempSync(Path.join(tmpdir(), "slipstream-config-warnings-"))
afterAll(() => rmSync(repository, { recursive: true, force: true }))
const configFile = Path.join(repository, "demo-new-tab-layout.toml")
writeFileSync(
  configFile,
  `
[experiment]
segments = ["new_users"]
enrolment_period = 7

[metrics.active_hours]
descriptionn = "a typo of description"
`,
)

const services = Layer.mergeAll(
  Warehouse.duckDb({ path: ":memory:", threads: 1 }),
  ExperimentSource.local(demoExperimentsFile),
  ConfigRepository.fromDirectories([repository]),
).pipe(Layer.provide(NodeContext.layer))

const settings = {
  ...demoRunSettings(1),
  experiments: ["demo-new-tab-layout"],
  periods: ["day"] as const,
  metrics: ["active_hours"],
}

layer(services, { timeout: 300_000 })("a configuration with unknown keys", (it) => {
  it.effect("is analysed, and its warnings are in the logs", () =>
    Effect.gen(function* () {
      yield* createDemoData({ clients: 1_000, seed: 3 })
      const events = Chunk.toReadonlyArray(
        yield* Stream.runCollect(runDate("2026-09-08", settings)),
      )
      const items = events.flatMap((event) => (event.kind === "item" ? [event.outcome] : []))
      expect(items.map(({ period, windowIndex }) => `${period} ${windowIndex}`)).toEqual(["day 1"])
      const finished = events.find((event) => event.kind === "finished")
      expect(finished).toMatchObject({ errors: 0, warnings: 2 })
      const result = yield* (yield* Warehouse).query(
        "SELECT log_level, exception_type, message FROM logs WHERE experiment = 'demo-new-tab-layout' ORDER BY message",
        "the experiment's logs",
      )
      expect(rowObjects(result.columns, result.columnNames)).toEqual([
        {
          log_level: "WARNING",
          exception_type: "ConfigurationWarning",
          message: `${configFile}: experiment.enrolment_period: unknown key "enrolment_period" (did you mean "enrollment_period"?); it is ignored`,
        },
        {
          log_level: "WARNING",
          exception_type: "ConfigurationWarning",
          message: `${configFile}: metrics.active_hours.descriptionn: unknown key "descriptionn" (did you mean "description"?); it is ignored`,
        },
      ])
    }),
  )
})
