import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { gitWebRoot } from "../../src/services/config-repository/web-root.js"
import {
  ConfigRepository,
  type ConfigRepositoryOptions,
} from "../../src/services/config-repository.js"

/** Checkouts made of the files git keeps, so the test needs no git binary. */
const scratch = mkdtempSync(Path.join(tmpdir(), "slipstream-web-root-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const commit = "0123456789abcdef0123456789abcdef01234567"

const checkout = (name: string, files: Readonly<Record<string, string>>) => {
  const root = Path.join(scratch, name)
  cpSync("test/fixtures/metric-hub", root, { recursive: true })
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(Path.dirname(Path.join(root, ".git", path)), { recursive: true })
    writeFileSync(Path.join(root, ".git", path), content)
  }
  return root
}

const remote = (url: string) =>
  `[core]\n\tbare = false\n[remote "origin"]\n\turl = ${url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`

describe("addresses of configuration files", () => {
  it.effect("come from the checkout's remote and commit, loose or packed", () =>
    Effect.gen(function* () {
      const loose = checkout("loose", {
        config: remote("git@github.com:mozilla/metric-hub.git"),
        HEAD: "ref: refs/heads/main\n",
        "refs/heads/main": `${commit}\n`,
      })
      expect(yield* gitWebRoot(Path.join(loose, "jetstream"))).toEqual({
        root: loose,
        base: `https://github.com/mozilla/metric-hub/blob/${commit}`,
      })
      const packed = checkout("packed", {
        config: remote("https://github.com/mozilla/metric-hub.git"),
        HEAD: "ref: refs/heads/main\n",
        "packed-refs": `# pack-refs with: peeled fully-peeled sorted\n${commit} refs/heads/main\n`,
      })
      expect((yield* gitWebRoot(packed))?.base).toBe(
        `https://github.com/mozilla/metric-hub/blob/${commit}`,
      )
      const local = checkout("local-remote", {
        config: remote("/srv/git/metric-hub.git"),
        HEAD: `${commit}\n`,
      })
      expect(yield* gitWebRoot(local)).toBeUndefined()
    }).pipe(Effect.provide(NodeContext.layer)),
  )

  it.effect("are published for repository configs only: from git, or under --config-url-base", () =>
    Effect.gen(function* () {
      const root = checkout("published", {
        config: remote("git@github.com:mozilla/metric-hub.git"),
        HEAD: `${commit}\n`,
      })
      const urlOf = (options: ConfigRepositoryOptions) =>
        Effect.gen(function* () {
          const { collection } = yield* ConfigRepository
          return {
            experiment: collection.experiments.get("good-experiment")?.origin.url,
            bundled: collection.experiments.get("demo-new-tab-layout")?.origin.url,
          }
        }).pipe(Effect.provide(ConfigRepository.fromDirectories([root], options)))
      expect(yield* urlOf({})).toEqual({
        experiment: `https://github.com/mozilla/metric-hub/blob/${commit}/jetstream/good-experiment.toml`,
        bundled: undefined,
      })
      expect(yield* urlOf({ urlBases: [{ base: "https://example.org/configs/tree/v2" }] })).toEqual(
        {
          experiment: "https://example.org/configs/tree/v2/jetstream/good-experiment.toml",
          bundled: undefined,
        },
      )
      // A base for another checkout leaves this one to its git remote.
      const elsewhere = { directory: "/elsewhere", base: "https://example.org/other/blob/main" }
      expect(yield* urlOf({ urlBases: [elsewhere] })).toEqual({
        experiment: `https://github.com/mozilla/metric-hub/blob/${commit}/jetstream/good-experiment.toml`,
        bundled: undefined,
      })
      const here = { directory: root, base: "https://example.org/this/blob/main" }
      expect(yield* urlOf({ urlBases: [elsewhere, here] })).toEqual({
        experiment: "https://example.org/this/blob/main/jetstream/good-experiment.toml",
        bundled: undefined,
      })
    }).pipe(Effect.provide(NodeContext.layer)),
  )
})
