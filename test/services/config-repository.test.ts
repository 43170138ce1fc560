import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { ConfigRepository, loadConfigDirectory } from "../../src/services/config-repository.js"

const fixture = "test/fixtures/metric-hub"

describe("ConfigRepository", () => {
  it.effect(
    "reads a metric-hub checkout: both definitions folders, defaults, outcomes, experiment configs",
    () =>
      Effect.gen(function* () {
        const files = yield* loadConfigDirectory(fixture)
        expect(files.map(({ file }) => file.slice(fixture.length + 1))).toEqual([
          "definitions/fenix.toml",
          "definitions/functions.toml",
          "jetstream/definitions/fenix.toml",
          "jetstream/defaults/fenix.toml",
          "jetstream/outcomes/fenix/search.toml",
          "jetstream/bad-experiment.toml",
          "jetstream/good-experiment.toml",
        ])
      }).pipe(Effect.provide(NodeContext.layer)),
  )

  it.effect(
    "layers the bundled config under the repositories and keeps every file's problems",
    () =>
      Effect.gen(function* () {
        const repository = yield* ConfigRepository
        const fenix = repository.collection.definitions.get("fenix")
        // definitions/fenix.toml and jetstream/definitions/fenix.toml merge into one platform.
        expect(Object.keys(fenix?.metrics.definitions ?? {}).sort()).toEqual([
          "active_hours",
          "searches",
          "uri_count",
        ])
        // The bundled config contributes the desktop definitions.
        expect(
          repository.collection.definitions.get("firefox_desktop")?.metrics.definitions
            .active_hours,
        ).toBeDefined()
        expect(repository.collection.outcomes.has("fenix/search")).toBe(true)
        // The bundled demo configs, then the repository's own.
        expect([...repository.collection.experiments.keys()].sort()).toEqual([
          "bad-experiment",
          "demo-new-tab-layout",
          "demo-sidebar-onboarding",
          "good-experiment",
        ])
        expect(repository.problems.map(({ file }) => file)).toEqual([
          `${fixture}/jetstream/bad-experiment.toml`,
        ])
      }).pipe(
        Effect.provide(ConfigRepository.fromDirectories([fixture])),
        Effect.provide(NodeContext.layer),
      ),
  )
})
