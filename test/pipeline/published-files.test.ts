import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { demoExperimentsFile } from "../../src/cli/demo-command.js"
import {
  errorsPath,
  exportExperiment,
  metadataPath,
  updateReportIndex,
} from "../../src/pipeline/publish/export.js"
import type { IndexEntry } from "../../src/report/report-model.js"
import { ConfigRepository } from "../../src/services/config-repository.js"
import { ExperimentSource } from "../../src/services/experiment-source.js"
import { ObjectStore } from "../../src/services/object-store.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"

/** Files Slipstream published and reads back (the index's data, the metadata), damaged. */

const entry = (slug: string): IndexEntry => ({
  slug,
  name: slug,
  status: "analysed",
  startDate: "2026-09-08",
  endDate: null,
  errors: 0,
  warnings: 0,
  reportPath: `${slug}.html`,
  analysedAt: "2026-10-12T00:00:00.000Z",
})

/** An output folder holding `files` (relative path → content), and a store over it. */
const outputWith = (files: Readonly<Record<string, string>>) => {
  const root = mkdtempSync(Path.join(tmpdir(), "slipstream-published-"))
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(Path.dirname(Path.join(root, path)), { recursive: true })
    writeFileSync(Path.join(root, path), content)
  }
  const store = ObjectStore.localDirectory(root).pipe(Layer.provide(NodeContext.layer))
  return { root, store }
}

describe("the report index's data (reports/index.json)", () => {
  it.effect("keeps the entries of experiments not exported this time", () => {
    const { root, store } = outputWith({
      "reports/index.json": JSON.stringify([entry("earlier")]),
    })
    return Effect.gen(function* () {
      yield* updateReportIndex([entry("now")])
      const written = JSON.parse(readFileSync(Path.join(root, "reports/index.json"), "utf8"))
      expect(written.map(({ slug }: IndexEntry) => slug)).toEqual(["earlier", "now"])
    }).pipe(Effect.provide(store))
  })

  for (const [damage, content, detail] of [
    ["not JSON", "[{", /JSON/],
    ["entries of the wrong shape", JSON.stringify([{ slug: 7 }]), /at 0\.slug: Expected string/],
  ] as const) {
    it.effect(`${damage}: an error naming the file, and the index left as it is`, () => {
      const { root, store } = outputWith({ "reports/index.json": content })
      return Effect.gen(function* () {
        const failure = yield* Effect.flip(updateReportIndex([entry("now")]))
        const file = Path.join(root, "reports/index.json")
        expect(failure._tag).toBe("PublishedFileError")
        expect(failure.message).toContain(`${file} is not a report index (`)
        expect(failure.message).toMatch(detail)
        expect(readFileSync(file, "utf8")).toBe(content)
        expect(existsSync(Path.join(root, "reports/index.html"))).toBe(false)
      }).pipe(Effect.provide(store))
    })
  }
})

describe("published metadata read back", () => {
  it.effect("when damaged, fails the experiment's export naming the file, before any write", () => {
    const slug = "demo-new-tab-layout"
    const { root, store } = outputWith({ [metadataPath(slug)]: '{"analysis_start_time": 5}' })
    const services = Layer.mergeAll(
      store,
      Warehouse.duckDb({ path: ":memory:" }),
      ExperimentSource.local(demoExperimentsFile),
      ConfigRepository.fromDirectories([]),
    ).pipe(Layer.provide(NodeContext.layer))
    return Effect.gen(function* () {
      const failure = yield* Effect.flip(exportExperiment(slug, { analysisStartTime: null }))
      expect(failure._tag).toBe("PublishedFileError")
      expect(failure.message).toContain(
        `${Path.join(root, metadataPath(slug))} is not published metadata (at analysis_start_time:`,
      )
      expect(existsSync(Path.join(root, errorsPath(slug)))).toBe(false)
    }).pipe(Effect.provide(services))
  })
})
