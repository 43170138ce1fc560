import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect, Layer, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { demoExperimentsFile } from "../../src/cli/demo-command.js"
import { createDemoData } from "../../src/pipeline/demo-data.js"
import { demoRunSettings } from "../../src/pipeline/demo-run.js"
import { exportExperiments } from "../../src/pipeline/publish/export.js"
import { datesBetween, runDates } from "../../src/pipeline/run.js"
import { ConfigRepository } from "../../src/services/config-repository.js"
import { ExperimentSource } from "../../src/services/experiment-source.js"
import { ObjectStore } from "../../src/services/object-store.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import {
  dumpDom,
  findChromium,
  inCi,
  missingChromiumMessage,
  screenshot,
} from "../support/chromium.js"
import { attributesOf, byTestId, textOf } from "../support/dom.js"
import {
  experimenterReaderViolations,
  publishedFileCounts,
} from "../support/experimenter-reader.js"

/**
 * The published files of the demo's ended experiment, computed for its pre-enrollment,
 * week 1 and overall windows, checked as Experimenter reads them: the schemas of
 * ../shared/reference/schemas (copies in test/fixtures/schemas) and its reader's own rules.
 */

const folder = mkdtempSync(Path.join(tmpdir(), "slipstream-export-"))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const services = Layer.mergeAll(
  Warehouse.duckDb({ path: ":memory:" }),
  ExperimentSource.local(demoExperimentsFile),
  ConfigRepository.fromDirectories([]),
  ObjectStore.localDirectory(folder),
).pipe(Layer.provide(NodeContext.layer))

const chromium = findChromium()
/** Screenshots for the developer to look at (git-ignored). */
const artifacts = fileURLToPath(new URL("../../test-artifacts", import.meta.url))

/** A published row's identity, as the report's cells spell it in data attributes. */
const cellKey = (suffix: string, row: Record<string, unknown>) =>
  [
    suffix,
    row.metric,
    row.statistic,
    row.parameter === null ? "" : String(row.parameter),
    row.branch,
    row.comparison ?? "none",
    row.comparison_to_branch ?? "",
    row.segment,
    row.analysis_basis,
    row.window_index,
  ].join("|")

const read = (path: string): unknown => JSON.parse(readFileSync(Path.join(folder, path), "utf8"))

let exports: {
  readonly first: Effect.Effect.Success<ReturnType<typeof exportExperiments>>
  readonly second: Effect.Effect.Success<ReturnType<typeof exportExperiments>>
}

beforeAll(async () => {
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
  exports = await Effect.runPromise(program.pipe(Effect.provide(services)))
}, 300_000)

describe("exports of an analysed experiment", () => {
  it("validate against the published schemas, hold the populations, and are skipped when unchanged", () => {
    const { first, second } = exports
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
    // Nothing holds the time of the export: the same rows publish nothing the second time.
    expect(
      second.exported[0]?.files
        .filter(({ outcome }) => outcome === "written")
        .map(({ path }) => path),
    ).toEqual([])

    for (const suffix of ["weekly", "overall", "preenrollment_weekly"]) {
      const rows = read(
        `statistics/statistics_demo_new_tab_layout_${suffix}.json`,
      ) as ReadonlyArray<Record<string, unknown>>
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
    expect(metadata).toMatchObject({
      schema_version: 4,
      analysis_start_time: "2026-11-25T00:00:00.000Z",
      metrics: {
        active_hours: { bigger_is_better: true, analysis_bases: ["enrollments", "exposures"] },
      },
      // The bundled config has no web address, and Experimenter refuses a file path.
      external_config: null,
    })
    const errors = read("errors/errors_demo_new_tab_layout.json") as ReadonlyArray<
      Record<string, unknown>
    >
    // Each entry names the source file and function that recorded it, and they exist.
    for (const { filename, func_name } of errors) {
      const source = readFileSync(new URL(`../../${String(filename)}`, import.meta.url), "utf8")
      expect(source).toContain(`${String(func_name)} =`)
    }
    expect(publishedFileCounts(folder)).toEqual({ errors: 1, metadata: 1, statistics: 3 })
    expect(experimenterReaderViolations(folder)).toEqual([])
    expect(readdirSync(Path.join(folder, "reports")).sort()).toEqual([
      "demo_new_tab_layout.html",
      "index.html",
      "index.json",
    ])
    expect(readFileSync(Path.join(folder, "reports/index.html"), "utf8")).toContain(
      "demo_new_tab_layout.html",
    )
  })

  it.skipIf(chromium === undefined && !inCi())(
    "make a report that shows, in Chromium, the experiment, every metric, the numbers of the statistics JSON and the sample-ratio verdict",
    async () => {
      if (chromium === undefined) throw new Error(missingChromiumMessage)
      const page = pathToFileURL(Path.join(folder, "reports/demo_new_tab_layout.html")).href
      const dom = await dumpDom(chromium, page, 20_000)
      expect(byTestId(dom, "experiment-name")[0]?.text).toBe("Demo: new tab layout")
      const text = textOf(dom)
      for (const name of ["Active hours", "Retained"]) expect(text).toContain(name)
      const verdicts = byTestId(dom, "srm-verdict").map(({ text: verdict }) => verdict)
      expect(verdicts.length).toBeGreaterThanOrEqual(1)
      for (const verdict of verdicts)
        expect(verdict).toMatch(/^(no sample ratio mismatch|SAMPLE RATIO MISMATCH) \(p = /)
      // Every interval the page shows is a row of the published JSON, to the last digit.
      const published = new Map<string, Record<string, unknown>>()
      for (const suffix of ["weekly", "overall", "preenrollment_weekly"]) {
        for (const row of read(
          `statistics/statistics_demo_new_tab_layout_${suffix}.json`,
        ) as ReadonlyArray<Record<string, unknown>>) {
          published.set(cellKey(suffix, row), row)
        }
      }
      const cells = [...dom.matchAll(/<td\b([^>]*\bdata-point="[^"]*"[^>]*)>/g)].map(
        ([, attributes = ""]) => attributesOf(attributes),
      )
      expect(cells.length).toBeGreaterThan(50)
      const raw = (value: unknown) => (typeof value === "number" ? String(value) : "")
      for (const cell of cells) {
        const row = published.get(
          [
            "data-period",
            "data-metric",
            "data-statistic",
            "data-parameter",
            "data-branch",
            "data-comparison",
            "data-comparison-to-branch",
            "data-segment",
            "data-basis",
            "data-window",
          ]
            .map((name) => cell.get(name) ?? "")
            .join("|"),
        )
        expect(row, [...cell].join(" ")).toBeDefined()
        expect([cell.get("data-point"), cell.get("data-lower"), cell.get("data-upper")]).toEqual([
          raw(row?.point),
          raw(row?.lower),
          raw(row?.upper),
        ])
      }
      // The overall mean of active hours, each branch and each comparison with control, is there.
      const overallMeans = cells.filter(
        (cell) =>
          cell.get("data-period") === "overall" &&
          cell.get("data-metric") === "active_hours" &&
          cell.get("data-statistic") === "mean" &&
          cell.get("data-segment") === "all" &&
          cell.get("data-basis") === "enrollments",
      )
      expect(
        overallMeans
          .map((cell) => `${cell.get("data-branch")}/${cell.get("data-comparison")}`)
          .sort(),
      ).toEqual([
        "control/none",
        "treatment/difference",
        "treatment/none",
        "treatment/relative_uplift",
      ])
      mkdirSync(artifacts, { recursive: true })
      const png = Path.join(artifacts, "demo-report.png")
      await screenshot(chromium, page, png)
      expect(statSync(png).size).toBeGreaterThan(30_000)
    },
    60_000,
  )
})
