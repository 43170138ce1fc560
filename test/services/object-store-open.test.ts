import * as Path from "node:path"
import { FileSystem } from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, type Layer } from "effect"
import { ObjectStore, ObjectStoreError } from "../../src/services/object-store.js"

/**
 * Opening a local ObjectStore: the checked Layer the CLI builds (a folder that cannot be
 * written fails before anything is computed) and the removal, by either Layer, of the
 * temporaries a writer killed between write and rename leaves behind.
 */

/** Every entry under `root`, recursively, slash-separated and sorted. */
const entriesUnder = (root: string) =>
  Effect.flatMap(FileSystem, (fs) => fs.readDirectory(root, { recursive: true })).pipe(
    Effect.map((names) => names.map((name) => name.split(Path.sep).join("/")).sort()),
  )

const opened = (layer: Layer.Layer<ObjectStore, ObjectStoreError, FileSystem>) =>
  Effect.provide(ObjectStore, layer)

const openFailure = (root: string) =>
  Effect.flip(opened(ObjectStore.writableLocalDirectory(root))).pipe(
    Effect.tap((error) => Effect.sync(() => expect(error).toBeInstanceOf(ObjectStoreError))),
  )

/** A temporary as the store names it: `.<name>.<16 hex digits>.tmp`. */
const temporary = (name: string, hex = "0123456789abcdef") => `.${name}.${hex}.tmp`

describe("ObjectStore.writableLocalDirectory", () => {
  it.scoped("creates an absent folder and leaves nothing of its probe", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem
      const parent = yield* fs.makeTempDirectoryScoped()
      const root = Path.join(parent, "new", "out")
      const store = yield* opened(ObjectStore.writableLocalDirectory(root))

      expect(store.location).toBe(root)
      expect(yield* entriesUnder(parent)).toEqual(["new", "new/out"])
      expect(yield* store.write("reports/a.html", "a", "text/html")).toBe("written")
    }).pipe(Effect.provide(NodeContext.layer)),
  )

  it.scoped("fails, naming the folder, when a file is where the folder should be", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem
      const parent = yield* fs.makeTempDirectoryScoped()
      const file = Path.join(parent, "out.txt")
      yield* fs.writeFileString(file, "not a folder")

      const onFile = yield* openFailure(file)
      expect(onFile.message).toMatch(new RegExp(`^cannot write in ${file}: EEXIST`))
      const underFile = yield* openFailure(Path.join(file, "out"))
      expect(underFile.message).toMatch(
        new RegExp(`^cannot write in ${Path.join(file, "out")}: ENOTDIR`),
      )
      expect(onFile.message).not.toContain("\n")
      expect(yield* entriesUnder(parent)).toEqual(["out.txt"])
    }).pipe(Effect.provide(NodeContext.layer)),
  )

  // Permissions do not stop root, which some containers run tests as.
  it.scoped.skipIf(process.getuid?.() === 0)("fails, naming the folder, when it is read-only", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem
      const root = yield* fs.makeTempDirectoryScoped()
      yield* fs.chmod(root, 0o555)
      yield* Effect.addFinalizer(() => fs.chmod(root, 0o755).pipe(Effect.ignore))

      const readOnly = yield* openFailure(root)
      expect(readOnly.message).toMatch(new RegExp(`^cannot write in ${root}: EACCES`))
    }).pipe(Effect.provide(NodeContext.layer)),
  )
})

describe("opening a local ObjectStore", () => {
  /** A folder as a killed publish leaves it, temporaries dated `minutesAgo` back. */
  const interruptedPublish = (root: string) =>
    Effect.gen(function* () {
      const fs = yield* FileSystem
      yield* fs.makeDirectory(Path.join(root, "reports"), { recursive: true })
      yield* fs.makeDirectory(Path.join(root, "deep", "er"), { recursive: true })
      const old = new Date(Date.now() - 10 * 60_000)
      const files: ReadonlyArray<readonly [string, Date | undefined]> = [
        [temporary("index.json"), old],
        [`reports/${temporary("demo_x.html")}`, old],
        // Written a moment ago: maybe another process's write in flight.
        [`reports/${temporary("demo_y.html", "fedcba9876543210")}`, undefined],
        // Not this store's naming: someone else's files.
        ["reports/notes.tmp", old],
        [`reports/${temporary("z.html", "0123")}`, old],
        ["reports/.hidden", old],
        // Deeper than where Slipstream writes: not walked.
        [`deep/er/${temporary("e.json")}`, old],
        ["reports/demo_x.html", old],
      ]
      for (const [path, mtime] of files) {
        const file = Path.join(root, ...path.split("/"))
        yield* fs.writeFileString(file, "half")
        if (mtime !== undefined) yield* fs.utimes(file, mtime, mtime)
      }
    })

  const left = [
    "deep",
    "deep/er",
    `deep/er/${temporary("e.json")}`,
    "reports",
    "reports/.hidden",
    `reports/${temporary("demo_y.html", "fedcba9876543210")}`,
    `reports/${temporary("z.html", "0123")}`,
    "reports/demo_x.html",
    "reports/notes.tmp",
  ].sort()

  // Live clock: staleness is measured against the files' real modification times.
  it.scopedLive(
    "removes the stale temporaries of its own naming in the folder and its subfolders, nothing else",
    () =>
      Effect.gen(function* () {
        const fs = yield* FileSystem
        const root = yield* fs.makeTempDirectoryScoped()
        yield* interruptedPublish(root)

        yield* opened(ObjectStore.writableLocalDirectory(root))

        expect(yield* entriesUnder(root)).toEqual(left)
      }).pipe(Effect.provide(NodeContext.layer)),
  )

  it.scopedLive("does so with the unchecked Layer too, which creates nothing", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem
      const root = yield* fs.makeTempDirectoryScoped()
      yield* interruptedPublish(root)

      yield* opened(ObjectStore.localDirectory(root))
      expect(yield* entriesUnder(root)).toEqual(left)

      const absent = Path.join(root, "absent")
      yield* opened(ObjectStore.localDirectory(absent))
      expect(yield* fs.exists(absent)).toBe(false)
    }).pipe(Effect.provide(NodeContext.layer)),
  )
})
