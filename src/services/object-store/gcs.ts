import { createHash } from "node:crypto"
import { IdempotencyStrategy, Storage } from "@google-cloud/storage"
import { type Context, Effect, Either, Option } from "effect"
import type { ObjectStore, WriteOutcome } from "../object-store.js"
import { ObjectStoreError, objectPath, prefixFolder } from "./error.js"

export interface GcsOptions {
  readonly bucket: string
  /** A folder inside the bucket that holds every object; slashes at either end are ignored. */
  readonly prefix?: string
  readonly projectId?: string
  /** Another API host (a local fake in tests, a regional endpoint); Google's own when absent. */
  readonly apiEndpoint?: string
}

/** Emulators and test fakes listen on this machine; nothing there checks credentials. */
const isLoopback = (endpoint: string): boolean => {
  try {
    // The client takes "localhost:4443" too, and reads it as https.
    const host = new URL(endpoint.includes("://") ? endpoint : `https://${endpoint}`).hostname
    return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host)
  } catch {
    return false
  }
}

const newClient = (options: GcsOptions): Storage =>
  new Storage({
    ...(options.projectId === undefined ? {} : { projectId: options.projectId }),
    ...(options.apiEndpoint === undefined
      ? {}
      : {
          apiEndpoint: options.apiEndpoint,
          /*
           * With a custom endpoint the client sends no credentials unless told to, which
           * would break a real regional or private endpoint; so authenticate everywhere
           * except on this machine, where asking for credentials would also probe the GCE
           * metadata server (seconds of waiting, and a warning) for nothing.
           */
          useAuthWithCustomEndpoint: !isLoopback(options.apiEndpoint),
        }),
    retryOptions: {
      /*
       * The client retries 408, 429, 5xx and dropped connections, but by default not an
       * upload without an ifGenerationMatch precondition — and such a save() even switches
       * retries off for the whole client afterwards. Every write here puts a whole object
       * of fixed content, so a repeat leaves the same object: retrying it is safe.
       */
      idempotencyStrategy: IdempotencyStrategy.RetryAlways,
    },
  })

/** The status the API answered with, if the failure came from the API. */
const statusOf = (cause: unknown): number | undefined =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "number"
    ? cause.code
    : undefined

/**
 * The API's own message. Downloads report the raw error body as the message, so a JSON
 * body is opened for its `error.message`.
 */
const describe = (cause: unknown): string => {
  const message = cause instanceof Error ? cause.message : String(cause)
  try {
    const body: unknown = JSON.parse(message)
    const error = typeof body === "object" && body !== null && "error" in body ? body.error : {}
    const inner =
      typeof error === "object" && error !== null && "message" in error ? error.message : undefined
    return typeof inner === "string" ? inner : message
  } catch {
    return message
  }
}

const md5Base64 = (bytes: Uint8Array): string => createHash("md5").update(bytes).digest("base64")

const toBuffer = (content: string | Uint8Array): Buffer =>
  typeof content === "string"
    ? Buffer.from(content, "utf8")
    : Buffer.from(content.buffer, content.byteOffset, content.byteLength)

/**
 * Objects in a GCS bucket, under an optional prefix, through the official client: one
 * multipart upload per write (GCS replaces an object atomically), checksums checked both
 * ways (the server verifies the MD5 we send; the client verifies the server's CRC32C of
 * the upload and of every download), and transient errors retried by the client itself.
 */
export const makeGcsStore = (options: GcsOptions): Context.Tag.Service<ObjectStore> => {
  const bucket = newClient(options).bucket(options.bucket)
  const prefix = (options.prefix ?? "").replace(/^\/+|\/+$/g, "")
  const nameOf = (path: string): string => (prefix === "" ? path : `${prefix}/${path}`)
  const location = `gs://${options.bucket}${prefix === "" ? "" : `/${prefix}`}`
  const addressOf = (path: string): string => `${location}/${path}`

  /** An API failure, with its status and the API's own words. */
  const failure = (path: string, verb: string, address: string) => (cause: unknown) => {
    const status = statusOf(cause)
    return new ObjectStoreError({
      path,
      message: `cannot ${verb} ${address}: ${status === undefined ? "" : `HTTP ${status}: `}${describe(cause)}`,
      cause,
    })
  }

  const call = <A>(path: string, verb: string, address: string, run: () => Promise<A>) =>
    Effect.tryPromise({ try: run, catch: failure(path, verb, address) })

  /** A call about one object that succeeds with none when there is no such object. */
  const unlessMissing = <A>(path: string, verb: string, run: () => Promise<A>) =>
    Effect.tryPromise({ try: run, catch: (cause) => cause }).pipe(
      Effect.map(Option.some),
      Effect.catchIf(
        (cause) => statusOf(cause) === 404,
        () => Effect.succeed(Option.none<A>()),
      ),
      Effect.mapError(failure(path, verb, addressOf(path))),
    )

  const write = (path: string, content: string | Uint8Array, contentType: string) =>
    Effect.gen(function* () {
      yield* objectPath(path)
      const file = bucket.file(nameOf(path))
      const bytes = toBuffer(content)
      const md5Hash = md5Base64(bytes)
      const current = yield* unlessMissing(path, "write", () => file.getMetadata())
      // A new content type is a change too: the object is served with it.
      if (
        Option.isSome(current) &&
        current.value[0].md5Hash === md5Hash &&
        current.value[0].contentType === contentType
      ) {
        return "unchanged" satisfies WriteOutcome
      }
      yield* call(path, "write", addressOf(path), () =>
        file.save(bytes, {
          contentType,
          resumable: false,
          metadata: { contentType, md5Hash },
        }),
      )
      return "written" satisfies WriteOutcome
    })

  const read = (path: string) =>
    Effect.gen(function* () {
      yield* objectPath(path)
      const downloaded = yield* unlessMissing(path, "read", () =>
        bucket.file(nameOf(path)).download(),
      )
      return Option.map(downloaded, ([contents]) => contents.toString("utf8"))
    })

  /**
   * Names that are not valid paths (a console-made "folder/" placeholder, say) are left
   * out: no other call of this interface could address them.
   */
  const list = (listPrefix: string) =>
    Effect.gen(function* () {
      yield* prefixFolder(listPrefix)
      const [files] = yield* call(listPrefix, "list", `${addressOf(listPrefix)}*`, () =>
        bucket.getFiles({ prefix: nameOf(listPrefix), autoPaginate: true }),
      )
      const strip = prefix === "" ? 0 : prefix.length + 1
      return files
        .map((file) => file.name.slice(strip))
        .filter((path) => path.startsWith(listPrefix) && Either.isRight(objectPath(path)))
        .sort()
    })

  return { location, addressOf, write, read, list }
}
