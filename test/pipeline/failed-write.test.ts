import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll, expect, layer } from "@effect/vitest"
import { Effect, Layer, Ref, Stream } from "effect"
import { demoExperimentsFile } from "../../src/cli/demo-command.js"
import { createDemoData } from "../../src/pipeline/demo-data.js"
import { demoRunSettings } from "../../src/pipeline/demo-run.js"
import { exportExperiments } from "../../src/pipeline/publish/export.js"
import { runDate } from "../../src/pipeline/run.js"
import { ConfigRepository } from "../../src/services/config-repository.js"
import { ExperimentSource } from "../../src/services/experiment-source.js"
import { ObjectStore } from "../../src/services/object-store.js"
import { Warehouse, WarehouseError } from "../../src/services/warehouse/warehouse.js"

/**
 * A window whose statistics cannot be written (a warehouse failure that outlived its
 * retries) keeps its previous table and published JSON, and says so; once a rerun writes it,
 * the problem is gone from the logs, the errors JSON and the report (Experimenter #15822).
 */
const folder = mkdtempSync(Path.join(tmpdir(), "slipstream-failed-write-"))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

/** Tables whose writes fail, as the warehouse would fail them. */
class FailingWrites extends Effect.Service<FailingWrites>()("test/FailingWrites", {
  effect: Ref.make<ReadonlySet<string>>(new Set()),
}) {}

const faultyWarehouse = Layer.effect(
  Warehouse,
  Effect.gen(function* () {
    const inner = yield* Warehouse
    const failing = yield* FailingWrites
    return Warehouse.of({
      ...inner,
      createTableAs: (table, sql, purpose, options) =>
        Effect.flatMap(Ref.get(failing), (tables) =>
          tables.has(table)
            ? Effect.fail(new WarehouseError({ purpose, message: "backendError: try again later" }))
            : inner.createTableAs(table, sql, purpose, options),
        ),
    })
  }),
).pipe(Layer.provide(Warehouse.duckDb({ path: ":memory:", threads: 1 })))

const services = Layer.mergeAll(
  faultyWarehouse,
  ExperimentSource.local(demoExperimentsFile),
  ConfigRepository.fromDirectories([]),
  ObjectStore.localDirectory(folder),
).pipe(Layer.provideMerge(FailingWrites.Default), Layer.provide(NodeContext.layer))

const slug = "demo-new-tab-layout"
const table = "statistics_demo_new_tab_layout_overall_1"

const runAndExport = (seed: number) =>
  Effect.gen(function* () {
    const settings = {
      ...demoRunSettings(seed),
      experiments: [slug],
      periods: ["overall"] as const,
      metrics: ["active_hours"],
    }
    yield* Stream.runDrain(runDate("2026-10-12", settings))
    yield* exportExperiments([slug], { analysisStartTime: null })
    const read = (path: string): unknown =>
      JSON.parse(readFileSync(Path.join(folder, path), "utf8"))
    return {
      statistics: read("statistics/statistics_demo_new_tab_layout_overall.json"),
      errors: read("errors/errors_demo_new_tab_layout.json") as ReadonlyArray<{
        readonly message: string
        readonly log_level: string
      }>,
      report: readFileSync(Path.join(folder, "reports/demo_new_tab_layout.html"), "utf8"),
    }
  })

layer(services, { timeout: 300_000 })("a window whose write fails", (it) => {
  it.effect("keeps the previous results, says so, and forgets the problem once written", () =>
    Effect.gen(function* () {
      yield* createDemoData({ clients: 2_000, seed: 5 })
      const first = yield* runAndExport(1)
      expect(first.errors.filter(({ log_level }) => log_level === "ERROR")).toEqual([])

      yield* Ref.set(yield* FailingWrites, new Set([table]))
      const failed = yield* runAndExport(2)
      // Another seed would move the bootstrap's numbers: these are the first run's.
      expect(failed.statistics).toEqual(first.statistics)
      const errors = failed.errors.filter(({ log_level }) => log_level === "ERROR")
      expect(errors).toHaveLength(1)
      expect(errors[0]?.message).toContain("backendError: try again later")
      expect(errors[0]?.message).toContain("are those of an earlier run")
      expect(failed.report).toContain("are those of an earlier run")

      yield* Ref.set(yield* FailingWrites, new Set())
      const fixed = yield* runAndExport(2)
      expect(fixed.statistics).not.toEqual(first.statistics)
      expect(fixed.errors.filter(({ log_level }) => log_level === "ERROR")).toEqual([])
      expect(fixed.report).not.toContain("are those of an earlier run")
    }),
  )
})
