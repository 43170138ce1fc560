import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect, Layer, Stream } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { demoExperimentsFile } from "../../src/cli/demo-command.js"
import { createDemoData } from "../../src/pipeline/demo-data.js"
import { demoDates, demoRunSettings } from "../../src/pipeline/demo-run.js"
import { exportExperiments } from "../../src/pipeline/publish/export.js"
import { runDates } from "../../src/pipeline/run.js"
import { ConfigRepository } from "../../src/services/config-repository.js"
import { ExperimentSource } from "../../src/services/experiment-source.js"
import { ObjectStore } from "../../src/services/object-store.js"
import { SqlAnalyzer } from "../../src/services/sql-analyzer.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import { duckDbCatalog } from "../support/duckdb-catalog.js"

/**
 * Every statement a demo run sends — the whole demo calendar, every experiment, then the
 * export — recorded as sent (`--sql-output-dir`: BigQuery SQL whatever the engine) and
 * analysed by ZetaSQL, GoogleSQL's own front end, against the tables they read with BigQuery
 * types: the demo telemetry and every table and view the run made. Zero errors expected.
 */
const folder = mkdtempSync(Path.join(tmpdir(), "slipstream-demo-sql-"))
afterAll(() => rmSync(folder, { recursive: true, force: true }))
const database = Path.join(folder, "demo.duckdb")
const statements = Path.join(folder, "sql")

const warehouse = Warehouse.duckDb({ path: database, threads: 1 })
const sources = Layer.mergeAll(
  ExperimentSource.local(demoExperimentsFile),
  ConfigRepository.fromDirectories([]),
  ObjectStore.localDirectory(Path.join(folder, "out")),
).pipe(Layer.provide(NodeContext.layer))

const recordedRun = Effect.gen(function* () {
  const settings = demoRunSettings(1)
  const events = yield* Stream.runCollect(runDates(demoDates(), settings))
  const slugs = [
    ...new Set(
      [...events].flatMap((event) => (event.kind === "finished" ? [event.experiment] : [])),
    ),
  ]
  yield* exportExperiments(slugs, { analysisStartTime: null })
  return slugs
}).pipe(
  Effect.provide(
    Layer.merge(
      Warehouse.recordingStatements(statements).pipe(
        Layer.provide(warehouse),
        Layer.provide(NodeContext.layer),
      ),
      sources,
    ),
  ),
)

describe("the BigQuery SQL of a whole demo run", () => {
  it("is accepted by ZetaSQL's analyser, names and types resolved, statement by statement", async () => {
    await Effect.runPromise(
      createDemoData({ clients: 400, seed: 3 }).pipe(Effect.provide(warehouse)),
    )
    const slugs = await Effect.runPromise(recordedRun)
    expect(slugs.sort()).toEqual([
      "demo-aa-check",
      "demo-new-tab-layout",
      "demo-sidebar-onboarding",
    ])
    const catalog = await Effect.runPromise(duckDbCatalog.pipe(Effect.provide(warehouse)))
    // Tables written in chunks go through a staging table the run drops at the end.
    const staged = catalog
      .filter(({ name }) => /^(main\.)?statistics_.+_\d+$/.test(name))
      .map((table) => ({ ...table, name: `${table.name}__staging` }))
    const files = readdirSync(statements).flatMap((owner) =>
      readdirSync(Path.join(statements, owner)).map((name) => Path.join(owner, name)),
    )
    const refused = await Effect.runPromise(
      Effect.gen(function* () {
        const analyzer = yield* SqlAnalyzer
        const tables = [...catalog, ...staged]
        const found: Array<string> = []
        for (const file of files) {
          const check = yield* analyzer.analyze(
            readFileSync(Path.join(statements, file), "utf8"),
            tables,
          )
          if (check._tag === "Invalid") found.push(`${file}: ${check.message}`)
        }
        return found
      }).pipe(Effect.scoped, Effect.provide(SqlAnalyzer.zetaSql())),
    )
    console.log(
      `ZetaSQL analysed ${files.length} statements of a demo run: ${refused.length} refused`,
    )
    expect(files.length).toBeGreaterThan(1000)
    expect(refused).toEqual([])
  }, 900_000)
})
