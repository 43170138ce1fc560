import { readFileSync } from "node:fs"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { demoExperimentsFile } from "../../src/cli/demo-command.js"
import { decodeExperiments, type Experiment } from "../../src/domain/experiment.js"
import { demoRunSettings } from "../../src/pipeline/demo-run.js"
import { runDate } from "../../src/pipeline/run.js"
import { ConfigRepository } from "../../src/services/config-repository.js"
import { ExperimentSource } from "../../src/services/experiment-source.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"

const demo = decodeExperiments(JSON.parse(readFileSync(demoExperimentsFile, "utf8"))).experiments
const named = (slug: string): Experiment => {
  const found = demo.find((experiment) => experiment.slug === slug)
  if (found === undefined) throw new Error(`no demo experiment ${slug}`)
  return found
}

/** Events of a run on `date` over `experiments`, on an empty in-memory warehouse. */
const eventsOn = (date: string, experiments: ReadonlyArray<Experiment>) =>
  Stream.runCollect(runDate(date, demoRunSettings(1))).pipe(
    Effect.map(Chunk.toReadonlyArray),
    Effect.provide(
      Layer.mergeAll(
        Warehouse.duckDb({ path: ":memory:" }),
        ExperimentSource.inMemory(experiments),
        ConfigRepository.fromDirectories([]),
      ).pipe(Layer.provide(NodeContext.layer)),
    ),
  )

describe("experiments the run refuses", () => {
  it.effect(
    "a slug listed twice, and a slug whose tables would be an earlier experiment's: errors, not analysed",
    () =>
      Effect.gen(function* () {
        const layout = named("demo-new-tab-layout")
        const experiments = [
          layout,
          { ...named("demo-sidebar-onboarding"), slug: "demo-new-tab-layout-preenrollment" },
          named("demo-aa-check"),
          named("demo-aa-check"),
        ]
        const events = yield* eventsOn("2026-10-15", experiments)
        const problems = events.flatMap((event) =>
          event.kind === "source-problem" ? [event.problem] : [],
        )
        expect(
          problems.map(({ experiment, exceptionType, level }) => [
            experiment,
            exceptionType,
            level,
          ]),
        ).toEqual([["demo-new-tab-layout-preenrollment", "TableNameCollision", "ERROR"]])
        expect(problems[0]?.message).toContain(
          'its tables would share names with those of "demo-new-tab-layout" (both would write statistics_demo_new_tab_layout_preenrollment_weekly)',
        )
        // demo-aa-check starts on 2026-10-20: not looked at on 2026-10-15, so not reported.
        const started = events.flatMap((event) =>
          event.kind === "started" ? [event.experiment] : [],
        )
        expect(started).not.toContain("demo-new-tab-layout-preenrollment")
        const onItsStart = yield* eventsOn("2026-10-20", experiments)
        const duplicate = onItsStart.flatMap((event) =>
          event.kind === "source-problem" && event.problem.experiment === "demo-aa-check"
            ? [event.problem]
            : [],
        )
        expect(duplicate.map(({ exceptionType, message }) => [exceptionType, message])).toEqual([
          [
            "DuplicateExperiment",
            'the experiment source lists "demo-aa-check" 2 times: none of its records is analysed until one is left',
          ],
        ])
      }),
  )
})
