import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import {
  ConfigRepository,
  loadConfigDirectory,
  readConfigFile,
  unreadableExperimentConfigs,
} from "../../src/services/config-repository.js"

/**
 * Files that cannot be read are files of the repository with why, not a failure of it: the
 * run and validate-config name them and go on with the others.
 */
let folder = ""
let first = ""
let second = ""

beforeAll(() => {
  folder = mkdtempSync(Path.join(tmpdir(), "slipstream-unreadable-repo-"))
  first = Path.join(folder, "first")
  second = Path.join(folder, "second")
  for (const repo of [first, second]) mkdirSync(Path.join(repo, "definitions"), { recursive: true })
  // first: one experiment's config dangles, another's is readable;
  // second (later, so it wins): the first's readable, the second's dangling.
  symlinkSync(Path.join(folder, "gone.toml"), Path.join(first, "alpha.toml"))
  copyFileSync("config/demo-new-tab-layout.toml", Path.join(first, "beta.toml"))
  copyFileSync("config/demo-new-tab-layout.toml", Path.join(second, "alpha.toml"))
  symlinkSync(Path.join(folder, "gone.toml"), Path.join(second, "beta.toml"))
  symlinkSync(Path.join(folder, "gone.toml"), Path.join(second, "definitions", "fenix.toml"))
  mkdirSync(Path.join(second, "gamma.toml"))
})

afterAll(() => rmSync(folder, { recursive: true, force: true }))

describe("configuration files that cannot be read", () => {
  it.effect("a dangling link and a folder come back with why, as the file's one issue", () =>
    Effect.gen(function* () {
      const dangling = yield* readConfigFile(Path.join(first, "alpha.toml"))
      expect(dangling.unreadable).toBe(
        `cannot be read: a symbolic link to ${Path.join(folder, "gone.toml")}, which does not exist`,
      )
      expect(dangling.parsed).toEqual({
        role: { kind: "experiment", slug: "alpha" },
        issues: [{ path: "", message: dangling.unreadable }],
      })
      const named = yield* readConfigFile(Path.join(second, "gamma.toml"))
      expect(named.unreadable).toBe("cannot be read: it is a folder")
      const files = yield* loadConfigDirectory(second)
      expect(
        files.map(({ file, unreadable }) => [Path.basename(file), unreadable !== undefined]),
      ).toEqual([
        ["fenix.toml", true],
        ["alpha.toml", false],
        ["beta.toml", true],
        ["gamma.toml", true],
      ])
    }).pipe(Effect.provide(NodeContext.layer)),
  )

  it.effect(
    "the last repository decides which experiment configs are unreadable; all are problems",
    () =>
      Effect.gen(function* () {
        const repository = yield* ConfigRepository
        expect([...unreadableExperimentConfigs(repository.files)]).toEqual([
          [
            "beta",
            {
              file: Path.join(second, "beta.toml"),
              reason: `cannot be read: a symbolic link to ${Path.join(folder, "gone.toml")}, which does not exist`,
            },
          ],
          [
            "gamma",
            { file: Path.join(second, "gamma.toml"), reason: "cannot be read: it is a folder" },
          ],
        ])
        // alpha is read from the second repository. beta's readable config in the first stays in
        // the collection, but its last file cannot be read: the run refuses beta, naming it.
        expect(repository.collection.experiments.get("alpha")?.origin.file).toBe(
          Path.join(second, "alpha.toml"),
        )
        expect(repository.problems.map(({ file }) => file)).toEqual([
          Path.join(first, "alpha.toml"),
          Path.join(second, "definitions", "fenix.toml"),
          Path.join(second, "beta.toml"),
          Path.join(second, "gamma.toml"),
        ])
      }).pipe(
        Effect.provide(
          ConfigRepository.fromDirectories([first, second], { includeBundled: false }),
        ),
        Effect.provide(NodeContext.layer),
      ),
  )
})
