import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Chunk, Effect, Layer, Stream } from "effect"
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
import { experimenterReaderViolations } from "../support/experimenter-reader.js"
import { rowObjects } from "../support/sql-fixtures.js"

/**
 * bayesian_gaussian from a per-experiment TOML through the daily run on DuckDB, to the
 * published files: a prior on active_hours (whose demo treatment is 8% higher), CUPED on
 * uri_count, over the pre-enrollment week and week 1 of the demo's new-tab experiment.
 */
const root = mkdtempSync(Path.join(tmpdir(), "slipstream-bayesian-gaussian-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const repository = Path.join(root, "config")
const output = Path.join(root, "output")
mkdirSync(repository)
mkdirSync(output)
writeFileSync(
  Path.join(repository, "demo-new-tab-layout.toml"),
  `
[metrics.active_hours.statistics.bayesian_gaussian]
prior_stddev = 0.3

[metrics.uri_count.statistics.bayesian_gaussian.covariate_adjustment]
period = "preenrollment_week"
`,
)

const services = Layer.mergeAll(
  Warehouse.duckDb({ path: ":memory:", threads: 1 }),
  ExperimentSource.local(demoExperimentsFile),
  ConfigRepository.fromDirectories([repository]),
  ObjectStore.localDirectory(output),
).pipe(Layer.provide(NodeContext.layer))

const settings = {
  ...demoRunSettings(2),
  experiments: ["demo-new-tab-layout"],
  periods: ["preenrollment_week", "week"] as const,
  metrics: ["active_hours", "uri_count"],
}

type Row = Record<string, unknown>
let run: {
  readonly problems: ReadonlyArray<string>
  readonly rows: ReadonlyArray<Row>
  readonly exportFailures: ReadonlyArray<unknown>
}

beforeAll(async () => {
  const program = Effect.gen(function* () {
    yield* createDemoData({ clients: 2_000, seed: 6 })
    const events = Chunk.toReadonlyArray(
      yield* Stream.runCollect(runDates(datesBetween("2026-09-08", "2026-09-14"), settings)),
    )
    const problems = events.flatMap((event) =>
      event.kind === "item"
        ? event.outcome.problems.map(
            ({ level, period, metric, statistic, message }) =>
              `${level} ${period} ${metric} ${statistic}: ${message}`,
          )
        : event.kind === "experiment-failed"
          ? [`failed: ${JSON.stringify(event)}`]
          : [],
    )
    const warehouse = yield* Warehouse
    const result = yield* warehouse.query(
      "SELECT * FROM statistics_demo_new_tab_layout_weekly WHERE statistic = 'bayesian_gaussian' AND segment = 'all' AND analysis_basis = 'enrollments'",
      "test",
    )
    const exported = yield* exportExperiments(["demo-new-tab-layout"], {
      analysisStartTime: "2026-11-25T00:00:00.000Z",
    })
    return {
      problems,
      rows: rowObjects(result.columns, result.columnNames),
      exportFailures: exported.failures,
    }
  })
  run = await Effect.runPromise(program.pipe(Effect.provide(services)))
}, 300_000)

const find = (metric: string, branch: string, comparison: string | null) =>
  run.rows.filter(
    (row) =>
      row.metric === metric &&
      row.branch === branch &&
      row.comparison === comparison &&
      (comparison === null || row.comparison_to_branch !== branch),
  )

describe("bayesian_gaussian configured in TOML, in the daily run", () => {
  it("computes without a problem in week 1, CUPED's covariate found", () => {
    expect(run.problems.filter((problem) => problem.startsWith("ERROR"))).toEqual([])
    // In the pre-enrollment week CUPED does not adjust (the metric would be adjusted by
    // itself, y − θ·x = 0 for every client): it runs unadjusted, without a warning.
    expect(run.problems.filter((problem) => problem.includes("bayesian_gaussian"))).toEqual([])
  })

  it("writes branch means, posterior comparisons and chances to beat for both metrics", () => {
    for (const metric of ["active_hours", "uri_count"]) {
      const comparisons = run.rows
        .filter((row) => row.metric === metric && row.comparison !== null)
        .map((row) => `${row.branch}/${row.comparison}/${row.comparison_to_branch}`)
        .sort()
      expect(comparisons).toEqual([
        "control/chance_to_beat/treatment",
        "control/difference/treatment",
        "control/relative_uplift/treatment",
        "treatment/chance_to_beat/control",
        "treatment/difference/control",
        "treatment/relative_uplift/control",
      ])
      for (const branch of ["control", "treatment"]) {
        const [own] = find(metric, branch, null)
        expect(own?.lower).toBeLessThan(Number(own?.point))
        expect(own?.ci_width).toBe(0.95)
      }
    }
    const [chance] = find("active_hours", "treatment", "chance_to_beat")
    expect(chance).toMatchObject({ ci_width: null, lower: null, upper: null })
    // The demo's treatment has 8% more active hours.
    expect(chance?.point).toBeGreaterThan(0.5)
    expect(chance?.point).toBeLessThanOrEqual(1)
    const [uplift] = find("active_hours", "treatment", "relative_uplift")
    expect(uplift?.lower).toBeLessThan(Number(uplift?.point))
    expect(uplift?.upper).toBeGreaterThan(Number(uplift?.point))
  })

  it("publishes files Experimenter reads, and the report", () => {
    expect(run.exportFailures).toEqual([])
    expect(experimenterReaderViolations(output)).toEqual([])
    const published = JSON.parse(
      readFileSync(
        Path.join(output, "statistics/statistics_demo_new_tab_layout_weekly.json"),
        "utf8",
      ),
    ) as ReadonlyArray<Row>
    const chances = published.filter(
      (row) => row.statistic === "bayesian_gaussian" && row.comparison === "chance_to_beat",
    )
    expect(chances.length).toBeGreaterThan(0)
    for (const row of chances) {
      expect(row).not.toHaveProperty("lower")
      expect(row).not.toHaveProperty("ci_width")
    }
    expect(existsSync(Path.join(output, "reports/demo_new_tab_layout.html"))).toBe(true)
  })
})
