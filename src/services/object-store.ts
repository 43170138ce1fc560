import type { FileSystem } from "@effect/platform/FileSystem"
import { Context, Effect, Layer, type Option } from "effect"
import type { ObjectStoreError } from "./object-store/error.js"
import { type GcsOptions, makeGcsStore } from "./object-store/gcs.js"
import { makeLocalStore, openLocalDirectory, removeStaleTemporaries } from "./object-store/local.js"

export { ObjectStoreError } from "./object-store/error.js"
export type { GcsOptions } from "./object-store/gcs.js"

/** Where published JSON and reports go when no other place is configured. */
export const defaultOutputDirectory = "./out"

/** "unchanged": an identical object was there already, so nothing was written. */
export type WriteOutcome = "written" | "unchanged"

/**
 * Where the pipeline publishes its JSON results and HTML reports: a folder on disk, or a
 * GCS bucket. Paths are relative and slash-separated ("statistics/statistics_x_weekly.json");
 * one that is absolute, empty, or has an empty, "." or ".." segment, a backslash or a
 * control character fails with ObjectStoreError, so no object lands outside the root or
 * prefix. Writes of unchanged content are skipped, which keeps daily reruns from touching
 * (and re-serving) every published file.
 */
export class ObjectStore extends Context.Tag("slipstream/ObjectStore")<
  ObjectStore,
  {
    /** Where objects go, for messages: "./out" (absolute path) or "gs://bucket/prefix". */
    readonly location: string
    /** The full address of an object, for people: an absolute file path, or gs://bucket/prefix/path. */
    readonly addressOf: (path: string) => string
    /**
     * Writes `content` at `path` atomically (local: temp file in the same folder then
     * rename; GCS: one upload, which replaces the object atomically), unless an object with
     * identical content is there already ("unchanged"; local compares the file's bytes, GCS
     * the object's md5Hash, and its content type).
     */
    readonly write: (
      path: string,
      content: string | Uint8Array,
      contentType: string,
    ) => Effect.Effect<WriteOutcome, ObjectStoreError>
    /** The object's content as UTF-8 text; none when there is no object at `path`. */
    readonly read: (path: string) => Effect.Effect<Option.Option<string>, ObjectStoreError>
    /** Paths (relative, sorted) of objects starting with `prefix`. */
    readonly list: (prefix: string) => Effect.Effect<ReadonlyArray<string>, ObjectStoreError>
  }
>() {
  /**
   * Files under `root` (made absolute); folders are created as needed, at the first write.
   * Opening it removes the temporaries a killed writer left (see `writableLocalDirectory`).
   */
  static readonly localDirectory = (root: string): Layer.Layer<ObjectStore, never, FileSystem> =>
    Layer.effect(
      ObjectStore,
      Effect.tap(makeLocalStore(root), (store) => removeStaleTemporaries(store.location)),
    )

  /**
   * Files under `root`, checked when the Layer is built: the folder is created if absent, a
   * probe file is written and removed, and the temporaries a writer killed mid-write left
   * (`.<name>.<16 hex digits>.tmp`, untouched for a minute) are removed from the folder and
   * its direct subfolders. A folder that cannot be written fails the Layer with
   * ObjectStoreError naming it, before anything is computed for it.
   */
  static readonly writableLocalDirectory = (
    root: string,
  ): Layer.Layer<ObjectStore, ObjectStoreError, FileSystem> =>
    Layer.effect(ObjectStore, Effect.zipRight(openLocalDirectory(root), makeLocalStore(root)))

  /** Objects in a GCS bucket, under `prefix` when given, through the official client. */
  static readonly gcs = (options: GcsOptions): Layer.Layer<ObjectStore> =>
    Layer.sync(ObjectStore, () => makeGcsStore(options))
}
