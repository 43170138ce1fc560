import type { FileSystem } from "@effect/platform/FileSystem"
import { Context, type Effect, Layer, type Option } from "effect"
import type { ObjectStoreError } from "./object-store/error.js"
import { type GcsOptions, makeGcsStore } from "./object-store/gcs.js"
import { makeLocalStore } from "./object-store/local.js"

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
  /** Files under `root` (made absolute); folders are created as needed. */
  static readonly localDirectory = (root: string): Layer.Layer<ObjectStore, never, FileSystem> =>
    Layer.effect(ObjectStore, makeLocalStore(root))

  /** Objects in a GCS bucket, under `prefix` when given, through the official client. */
  static readonly gcs = (options: GcsOptions): Layer.Layer<ObjectStore> =>
    Layer.sync(ObjectStore, () => makeGcsStore(options))
}
