import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Ajv } from "ajv"
import addFormats from "ajv-formats"
import { Effect, Layer, Stream } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { demoExperimentsFile } from "../../src/cli/demo-command.js"
import { createDemoData } from "../../src/pipeline/demo-data.js"
import { demoRunSettings } from "../../src/pipeline/demo-run.js"
import { exportExperiments } from "../../src/pipeline/publish/export.js"
import { datesBetween, runDates } from "../../src/pipeline/run.js"
import { ConfigRepository } from "../../src/services/config-repository.js"
import { ExperimentSource } from "../../src/services/experiment-source.js"
import { ObjectStore } from "../../src/services/object-store.js"
import { duckDbWarehouse } from "../../src/services/warehouse/duckdb.js"

/**
 * The published files of the demo's ended experiment, computed for its pre-enrollment,
 * week 1 and overall windows, validated against the schemas dashboards read
 * (test/fixtures/schemas: copies of ../shared/reference/schemas).
 */
const schema = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/schemas/${name}`, import.meta.url), "utf8"))
const ajv = new Ajv({ allErrors: true, strict: false })
addFormats.default(ajv)
const validStatistics = ajv.compile(schema("Statistics_v1.0.json"))
const validMetadata = ajv.compile(schema("Metadata_v1.0.json"))

const folder = mkdtempSync(Path.join(tmpdir(), "slipstream-export-"))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const services = Layer.mergeAll(
  duckDbWarehouse({ path: ":memory:" }),
  ExperimentSource.local(demoExperimentsFile),
  ConfigRepository.fromDirectories([]),
  ObjectStore.localDirectory(folder),
).pipe(Layer.provide(NodeContext.layer))

const read = (path: string): unknown => JSON.parse(readFileSync(Path.join(folder, path), "utf8"))

describe("exports of an analysed experiment", () => {
  it("validate against the published schemas, hold the populations, and are skipped when unchanged", async () => {
    const settings = {
      ...demoRunSettings(1),
      experiments: ["demo-new-tab-layout"],
      periods: ["preenrollment_week", "week", "overall"] as const,
      metrics: ["active_hours", "retained"],
    }
    const program = Effect.gen(function* () {
      yield* createDemoData({ clients: 3_000, seed: 4 })
      yield* Stream.runDrain(runDates(datesBetween("2026-09-08", "2026-10-12"), settings))
      const first = yield* exportExperiments(["demo-new-tab-layout"], {
        analysisStartTime: "2026-11-25T00:00:00.000Z",
      })
      const second = yield* exportExperiments(["demo-new-tab-layout"], {
        analysisStartTime: "2026-11-25T00:00:00.000Z",
      })
      return { first, second }
    })
    const { first, second } = await Effect.runPromise(program.pipe(Effect.provide(services)))
    expect(first.failures).toEqual([])
    const paths = first.exported[0]?.files.map(({ path }) => path) ?? []
    expect(paths).toEqual([
      "statistics/statistics_demo_new_tab_layout_weekly.json",
      "statistics/statistics_demo_new_tab_layout_overall.json",
      "statistics/statistics_demo_new_tab_layout_preenrollment_weekly.json",
      "metadata/metadata_demo_new_tab_layout.json",
      "errors/errors_demo_new_tab_layout.json",
      "reports/demo_new_tab_layout.html",
    ])
    expect(first.exported[0]?.files.every(({ outcome }) => outcome === "written")).toBe(true)
    // The report's time stamp changes; the data files do not.
    expect(
      second.exported[0]?.files
        .filter(({ outcome }) => outcome === "written")
        .map(({ path }) => path),
    ).toEqual(["reports/demo_new_tab_layout.html"])

    for (const suffix of ["weekly", "overall", "preenrollment_weekly"]) {
      const rows = read(
        `statistics/statistics_demo_new_tab_layout_${suffix}.json`,
      ) as ReadonlyArray<Record<string, unknown>>
      expect(validStatistics(rows), JSON.stringify(validStatistics.errors?.slice(0, 3))).toBe(true)
      const text = readFileSync(
        Path.join(folder, `statistics/statistics_demo_new_tab_layout_${suffix}.json`),
        "utf8",
      )
      expect(text).not.toMatch(/NaN|Infinity/)
      const keys = rows.map((row) =>
        JSON.stringify([
          row.metric,
          row.statistic,
          row.parameter,
          row.branch,
          row.comparison,
          row.comparison_to_branch,
          row.segment,
          row.analysis_basis,
          row.window_index,
        ]),
      )
      expect(new Set(keys).size).toBe(keys.length)
      const populations = rows.filter(
        (row) => row.metric === "identity" && row.statistic === "count",
      )
      for (const window of new Set(rows.map((row) => row.window_index))) {
        for (const segment of ["all", "new_users", "existing_users"]) {
          for (const basis of ["enrollments", "exposures"]) {
            expect(
              populations
                .filter(
                  (row) =>
                    row.window_index === window &&
                    row.segment === segment &&
                    row.analysis_basis === basis,
                )
                .map((row) => row.branch)
                .sort(),
            ).toEqual(["control", "treatment"])
          }
        }
      }
    }
    const weekly = read("statistics/statistics_demo_new_tab_layout_weekly.json") as ReadonlyArray<
      Record<string, unknown>
    >
    expect([...new Set(weekly.map((row) => row.window_index))].sort()).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
    ])

    const metadata = read("metadata/metadata_demo_new_tab_layout.json") as Record<string, unknown>
    expect(validMetadata(metadata), JSON.stringify(validMetadata.errors?.slice(0, 3))).toBe(true)
    expect(metadata).toMatchObject({
      schema_version: 4,
      analysis_start_time: "2026-11-25T00:00:00.000Z",
      metrics: {
        active_hours: { bigger_is_better: true, analysis_bases: ["enrollments", "exposures"] },
      },
      external_config: { url: expect.stringContaining("demo-new-tab-layout.toml") },
    })
    expect(Array.isArray(read("errors/errors_demo_new_tab_layout.json"))).toBe(true)
    expect(readdirSync(Path.join(folder, "reports")).sort()).toEqual([
      "demo_new_tab_layout.html",
      "index.html",
      "index.json",
    ])
    expect(readFileSync(Path.join(folder, "reports/index.html"), "utf8")).toContain(
      "demo_new_tab_layout.html",
    )
  }, 300_000)
})
