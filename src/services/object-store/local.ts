import { randomBytes } from "node:crypto"
import * as Path from "node:path"
import type { PlatformError } from "@effect/platform/Error"
import { FileSystem } from "@effect/platform/FileSystem"
import { Clock, type Context, Duration, Effect, Option } from "effect"
import type { ObjectStore, WriteOutcome } from "../object-store.js"
import { ObjectStoreError, objectPath, prefixFolder } from "./error.js"

/**
 * In-flight writes: `.<name>.<16 hex digits>.tmp` beside the target. Listings skip them, so
 * a reader never sees half a file under any name.
 */
const temporaryName = /^\.[^/]+\.[0-9a-f]{16}\.tmp$/

const temporaryFor = (target: string): string =>
  Path.join(Path.dirname(target), `.${Path.basename(target)}.${randomBytes(8).toString("hex")}.tmp`)

/** Node's own words (`ENOTDIR: not a directory, mkdir '…'`) say more than the wrapper's. */
const describe = (error: PlatformError): string => error.description ?? error.message

/**
 * No such file: nothing at the path (ENOENT), or a file where the path needs a folder
 * (ENOTDIR) — "a.json/b" cannot exist when "a.json" is a file, which is what GCS would say.
 */
const isAbsent = (error: PlatformError): boolean => {
  if (error._tag !== "SystemError") return false
  const cause: unknown = error.cause
  const code =
    typeof cause === "object" && cause !== null && "code" in cause ? cause.code : undefined
  return error.reason === "NotFound" || code === "ENOTDIR"
}

const toBytes = (content: string | Uint8Array): Uint8Array =>
  typeof content === "string" ? Buffer.from(content, "utf8") : content

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.byteLength === b.byteLength && Buffer.from(a).equals(Buffer.from(b))

/**
 * A temporary file untouched for this long is a killed writer's: a live write renames its
 * temporary within milliseconds of its last byte, and another process publishing to the
 * same folder must not lose the file it is about to rename.
 */
export const staleTemporaryAge = Duration.minutes(1)

/** Where the probe of `openLocalDirectory` writes: a temporary's name, so a crash leaves nothing that stays. */
const probeFor = (location: string): string =>
  Path.join(location, `.slipstream-probe.${randomBytes(8).toString("hex")}.tmp`)

/**
 * Removes the temporaries (this store's `.<name>.<16 hex digits>.tmp`, nothing else) that a
 * writer killed between writing and renaming left in `location` and in its direct subfolders,
 * where Slipstream's files go (`reports/`, `statistics/`, ...); deeper folders are not walked,
 * so a root such as a home folder costs two directory reads, not a tree walk. Temporaries
 * modified less than `olderThan` ago are left to their writer. Best effort: a folder that
 * cannot be read or a file that cannot be removed is skipped. Returns the removed paths.
 */
export const removeStaleTemporaries = (location: string, olderThan = staleTemporaryAge) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem
    const now = yield* Clock.currentTimeMillis
    const namesIn = (folder: string) =>
      fs.readDirectory(folder).pipe(
        Effect.catchAll(() => Effect.succeed<ReadonlyArray<string>>([])),
        Effect.map((names) => names.map((name) => Path.join(folder, name))),
      )
    const isFolder = (path: string) =>
      fs.stat(path).pipe(
        Effect.map((info) => info.type === "Directory"),
        Effect.orElseSucceed(() => false),
      )
    const top = yield* namesIn(location)
    const folders = yield* Effect.filter(
      top.filter((path) => !temporaryName.test(Path.basename(path))),
      isFolder,
      { concurrency: 16 },
    )
    const nested = yield* Effect.forEach(folders, namesIn, { concurrency: 16 })
    const temporaries = [...top, ...nested.flat()].filter((path) =>
      temporaryName.test(Path.basename(path)),
    )
    const removed = yield* Effect.forEach(
      temporaries,
      (path) =>
        fs.stat(path).pipe(
          Effect.flatMap((info) => {
            const modified = Option.getOrElse(
              Option.map(info.mtime, (date) => date.getTime()),
              () => 0,
            )
            return info.type === "File" && now - modified >= Duration.toMillis(olderThan)
              ? fs.remove(path).pipe(Effect.as([path]))
              : Effect.succeed([])
          }),
          Effect.orElseSucceed((): ReadonlyArray<string> => []),
        ),
      { concurrency: 16 },
    )
    const paths = removed.flat()
    if (paths.length > 0) {
      yield* Effect.logInfo(
        `removed ${paths.length} stale temporary ${paths.length === 1 ? "file" : "files"} of an interrupted publish in ${location}`,
      )
    }
    return paths
  })

/**
 * Opens `root` for writing, or says why it cannot be written: creates the folder when it is
 * absent, writes and removes a probe file in it (a folder that exists but refuses files, a
 * file where the folder should be, a read-only disk), then removes stale temporaries. The
 * check costs a few milliseconds, against a run that would otherwise compute everything
 * and fail at its first write.
 */
export const openLocalDirectory = (root: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem
    const location = Path.resolve(root)
    const probe = probeFor(location)
    yield* fs.makeDirectory(location, { recursive: true }).pipe(
      Effect.zipRight(fs.writeFile(probe, new Uint8Array())),
      Effect.zipRight(fs.remove(probe)),
      Effect.mapError(
        (error) =>
          new ObjectStoreError({
            path: "",
            message: `cannot write in ${location}: ${describe(error)}`,
            cause: error,
          }),
      ),
    )
    yield* removeStaleTemporaries(location)
  })

/**
 * Objects as files under `root` (resolved to an absolute path when the Layer is built).
 * Folders are created as writes need them; a write goes to a temporary file in the target's
 * folder and is renamed over the target, which is atomic on one file system, so a reader
 * (or a crash) sees the old file or the new one, never a part.
 */
export const makeLocalStore = (root: string) =>
  Effect.map(FileSystem, (fs): Context.Tag.Service<ObjectStore> => {
    const location = Path.resolve(root)
    const addressOf = (path: string): string =>
      location.endsWith(Path.sep) ? `${location}${path}` : `${location}${Path.sep}${path}`
    const failure = (path: string, verb: string) => (error: PlatformError) =>
      new ObjectStoreError({
        path,
        message: `cannot ${verb} ${addressOf(path)}: ${describe(error)}`,
        cause: error,
      })

    /** The file's bytes, or none when there is no file; a folder in the way is an error. */
    const existing = (file: string) =>
      fs.readFile(file).pipe(
        Effect.map(Option.some),
        Effect.catchIf(isAbsent, () => Effect.succeed(Option.none<Uint8Array>())),
      )

    const write = (path: string, content: string | Uint8Array) =>
      Effect.gen(function* () {
        const segments = yield* objectPath(path)
        const target = Path.join(location, ...segments)
        const bytes = toBytes(content)
        // Comparing the bytes themselves is as exact as comparing MD5s, and cheaper.
        const before = yield* existing(target).pipe(Effect.mapError(failure(path, "write")))
        if (Option.isSome(before) && sameBytes(before.value, bytes)) {
          return "unchanged" satisfies WriteOutcome
        }
        const temporary = temporaryFor(target)
        yield* fs.makeDirectory(Path.dirname(target), { recursive: true }).pipe(
          Effect.zipRight(fs.writeFile(temporary, bytes)),
          Effect.zipRight(fs.rename(temporary, target)),
          Effect.onError(() => fs.remove(temporary).pipe(Effect.ignore)),
          Effect.mapError(failure(path, "write")),
        )
        return "written" satisfies WriteOutcome
      })

    const read = (path: string) =>
      Effect.gen(function* () {
        const segments = yield* objectPath(path)
        return yield* fs.readFileString(Path.join(location, ...segments)).pipe(
          Effect.map(Option.some),
          Effect.catchIf(isAbsent, () => Effect.succeed(Option.none<string>())),
          Effect.mapError(failure(path, "read")),
        )
      })

    /** Walks only the prefix's folder; links to folders are not followed. */
    const list = (prefix: string) =>
      Effect.gen(function* () {
        const folder = yield* prefixFolder(prefix)
        const start = Path.join(location, ...folder)
        const fail = failure(prefix, "list")
        const names = yield* fs.readDirectory(start, { recursive: true }).pipe(
          Effect.catchIf(isAbsent, () => Effect.succeed<ReadonlyArray<string>>([])),
          Effect.mapError(fail),
        )
        const candidates = names
          .map((name) => [...folder, ...name.split(Path.sep)])
          .filter((segments) => !temporaryName.test(segments.at(-1) ?? ""))
          .map((segments) => segments.join("/"))
          .filter((path) => path.startsWith(prefix))
        const files = yield* Effect.forEach(
          candidates,
          (path) =>
            fs.stat(Path.join(location, ...path.split("/"))).pipe(
              Effect.map((info) => (info.type === "File" ? [path] : [])),
              // Gone since the folder was read: a temporary file renamed, say.
              Effect.catchIf(isAbsent, () => Effect.succeed([])),
              Effect.mapError(fail),
            ),
          { concurrency: 16 },
        )
        return files.flat().sort()
      })

    return { location, addressOf, write, read, list }
  })
