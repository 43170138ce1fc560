import { createHash } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { Effect, type Scope } from "effect"
import { listenLocally } from "./local-server.js"

/**
 * A small stand-in for the Cloud Storage JSON API (v1) on 127.0.0.1, for testing the real
 * `@google-cloud/storage` client through its `apiEndpoint` option: Google's API is the one
 * edge we cannot reach from here. Objects live in memory; every bucket exists. It serves
 * what the object store uses — multipart uploads, object metadata, media downloads (with the
 * `x-goog-hash` header, so the client checks what it downloads), listing by prefix with
 * pages, and deletes (the client deletes an upload whose checksum does not match) — and it
 * records every request, so tests can check what the client sent.
 */
export interface FakeGcs {
  /** Pass as `apiEndpoint`: `http://127.0.0.1:<port>`. */
  readonly endpoint: string
  /** Every request the client sent, in arrival order. */
  readonly requests: ReadonlyArray<RecordedRequest>
  /** Answers the next matching requests with an API error instead of serving them. */
  readonly failNext: (failure: InjectedFailure) => void
  /** The objects a bucket holds now, sorted by name. */
  readonly objects: (bucket: string) => ReadonlyArray<FakeObject>
  /** How many objects a page of a listing holds (the API's default is 1000). */
  readonly setPageSize: (size: number) => void
  /** Flips a bit of an object but not its checksums, as a download corrupted on the way would be. */
  readonly corrupt: (bucket: string, name: string) => void
  /** Puts an object into a bucket, as if someone else had uploaded it. */
  readonly putObject: (
    bucket: string,
    name: string,
    content: string | Uint8Array,
    contentType?: string,
  ) => FakeObject
}

export interface RecordedRequest {
  readonly method: string
  /** Without the query string, still percent-encoded: `/storage/v1/b/bucket/o/a%2Fb.json`. */
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** The JSON body, or for a multipart upload its JSON metadata part; undefined when none. */
  readonly body: unknown
}

export interface FakeObject {
  readonly bucket: string
  readonly name: string
  readonly content: Buffer
  readonly contentType: string
  readonly generation: number
  /** Base64 of the MD5 digest, as the API reports it. */
  readonly md5Hash: string
  /** Base64 of the big-endian CRC32C, as the API reports it. */
  readonly crc32c: string
  /** Custom metadata (`metadata.metadata` in the API). */
  readonly metadata: Readonly<Record<string, string>>
}

export interface InjectedFailure {
  readonly status: number
  /** The API's message; a generic one for the status when absent. */
  readonly message?: string
  /** How many matching requests fail; default 1. */
  readonly times?: number
  /** Which requests fail; every request when absent. */
  readonly when?: (request: RecordedRequest) => boolean
}

/** Starts the fake on a free port; it stops when the scope closes. */
export const fakeGcs: Effect.Effect<FakeGcs, never, Scope.Scope> = Effect.gen(function* () {
  const requests: Array<RecordedRequest> = []
  const failures: Array<{ readonly failure: InjectedFailure; remaining: number }> = []
  const buckets = new Map<string, Map<string, FakeObject>>()
  let generations = 1_700_000_000_000_000
  let pageSize = 1000

  const bucketObjects = (bucket: string): Map<string, FakeObject> => {
    const existing = buckets.get(bucket)
    if (existing !== undefined) return existing
    const created = new Map<string, FakeObject>()
    buckets.set(bucket, created)
    return created
  }

  const store = (
    bucket: string,
    name: string,
    content: Buffer,
    contentType: string,
    metadata: Readonly<Record<string, string>>,
  ): FakeObject => {
    generations += 1
    const object: FakeObject = {
      bucket,
      name,
      content,
      contentType,
      generation: generations,
      md5Hash: createHash("md5").update(content).digest("base64"),
      crc32c: crc32cBase64(content),
      metadata,
    }
    bucketObjects(bucket).set(name, object)
    return object
  }

  const injected = (request: RecordedRequest): Reply | undefined => {
    const match = failures.find(
      (entry) => entry.remaining > 0 && (entry.failure.when?.(request) ?? true),
    )
    if (match === undefined) return undefined
    match.remaining -= 1
    const { status, message } = match.failure
    return apiError(status, message ?? defaultMessage(status))
  }

  const handle = (request: RecordedRequest, raw: RawRequest): Reply => {
    const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(request.path)
    if (upload !== null && request.method === "POST") {
      return insertObject(decodeURIComponent(upload[1] ?? ""), request, raw)
    }
    const list = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(request.path)
    if (list !== null && request.method === "GET") {
      return listObjects(decodeURIComponent(list[1] ?? ""), request.query)
    }
    const object = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(request.path)
    if (object !== null) {
      const bucket = decodeURIComponent(object[1] ?? "")
      const name = decodeURIComponent(object[2] ?? "")
      const found = bucketObjects(bucket).get(name)
      if (found === undefined) return apiError(404, `No such object: ${bucket}/${name}`)
      if (request.method === "GET") {
        return request.query.alt === "media" ? media(found) : ok(resource(found))
      }
      if (request.method === "DELETE") {
        bucketObjects(bucket).delete(name)
        return { status: 204 }
      }
    }
    return apiError(400, `fake GCS has no route for ${request.method} ${request.path}`)
  }

  const insertObject = (bucket: string, request: RecordedRequest, raw: RawRequest): Reply => {
    if (request.query.uploadType !== "multipart") {
      return apiError(
        400,
        `fake GCS supports only uploadType=multipart, not ${request.query.uploadType}`,
      )
    }
    const parts = multipartParts(raw)
    const [metadataPart, mediaPart] = parts
    if (parts.length !== 2 || metadataPart === undefined || mediaPart === undefined) {
      return apiError(400, "expected a multipart/related body of metadata and media")
    }
    const metadata = request.body
    const name = request.query.name ?? stringAt(metadata, "name")
    if (name === undefined || name === "") return apiError(400, "Required: object name")
    const existing = bucketObjects(bucket).get(name)
    const precondition = request.query.ifGenerationMatch
    if (precondition !== undefined && Number(precondition) !== (existing?.generation ?? 0)) {
      return apiError(412, "At least one of the pre-conditions you specified did not hold.")
    }
    const md5Hash = createHash("md5").update(mediaPart.content).digest("base64")
    const declared = stringAt(metadata, "md5Hash")
    if (declared !== undefined && declared !== md5Hash) {
      return apiError(
        400,
        `Provided MD5 hash "${declared}" doesn't match calculated MD5 hash "${md5Hash}".`,
      )
    }
    const custom = recordAt(metadata, "metadata")
    const object = store(
      bucket,
      name,
      mediaPart.content,
      stringAt(metadata, "contentType") ?? mediaPart.contentType ?? "application/octet-stream",
      Object.fromEntries(
        Object.entries(custom).filter((entry): entry is [string, string] => {
          return typeof entry[1] === "string"
        }),
      ),
    )
    return ok(resource(object))
  }

  /** objects.list: names in order, a page at a time, with the next page's first name as the token. */
  const listObjects = (bucket: string, query: Readonly<Record<string, string>>): Reply => {
    const prefix = query.prefix ?? ""
    const names = [...bucketObjects(bucket).keys()]
      .filter((name) => name.startsWith(prefix))
      .sort(compareBytes)
    const token = query.pageToken
    const from = token === undefined ? 0 : names.findIndex((name) => compareBytes(name, token) >= 0)
    const start = from === -1 ? names.length : from
    const size = Math.min(pageSize, Number(query.maxResults ?? pageSize))
    const page = names.slice(start, start + size)
    const next = names[start + size]
    return ok({
      kind: "storage#objects",
      ...(page.length === 0
        ? {}
        : {
            items: page.flatMap((name) => {
              const object = bucketObjects(bucket).get(name)
              return object === undefined ? [] : [resource(object)]
            }),
          }),
      ...(next === undefined ? {} : { nextPageToken: next }),
    })
  }

  const server = createServer((incoming, outgoing) => {
    void readRequest(incoming).then((raw) => {
      const request = recorded(raw)
      requests.push(request)
      send(outgoing, injected(request) ?? handle(request, raw))
    })
  })
  const endpoint = yield* listenLocally(server)

  return {
    endpoint,
    requests,
    failNext: (failure) => {
      failures.push({ failure, remaining: failure.times ?? 1 })
    },
    corrupt: (bucket, name) => {
      const object = bucketObjects(bucket).get(name)
      if (object === undefined) throw new Error(`fake GCS has no object ${bucket}/${name}`)
      const content = Buffer.from(object.content)
      content[0] = (content[0] ?? 0) ^ 1
      bucketObjects(bucket).set(name, { ...object, content })
    },
    setPageSize: (size) => {
      pageSize = size
    },
    objects: (bucket) =>
      [...bucketObjects(bucket).values()].sort((a, b) => compareBytes(a.name, b.name)),
    putObject: (bucket, name, content, contentType = "application/octet-stream") =>
      store(bucket, name, Buffer.from(content), contentType, {}),
  }
})

interface RawRequest {
  readonly method: string
  readonly url: URL
  readonly contentType: string
  readonly body: Buffer
}

interface Reply {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  /** JSON to send, or raw bytes. */
  readonly body?: unknown
}

const ok = (body: unknown): Reply => ({ status: 200, body })

/** The `status` and `errors[].reason` GCS sends with each code. */
const statusNames: Readonly<Record<number, readonly [status: string, reason: string]>> = {
  400: ["INVALID_ARGUMENT", "invalid"],
  401: ["UNAUTHENTICATED", "required"],
  403: ["PERMISSION_DENIED", "forbidden"],
  404: ["NOT_FOUND", "notFound"],
  412: ["FAILED_PRECONDITION", "conditionNotMet"],
  429: ["RESOURCE_EXHAUSTED", "rateLimitExceeded"],
  500: ["INTERNAL", "backendError"],
  503: ["UNAVAILABLE", "backendError"],
}

const defaultMessage = (status: number): string =>
  status === 403
    ? "Caller does not have permission for this operation."
    : status === 429
      ? "The rate of change requests to the object exceeds the rate limit."
      : status >= 500
        ? "We encountered an internal error. Please try again."
        : `fake GCS failed the request with ${status}`

/** The error body Google's APIs send; the client builds its ApiError message from it. */
const apiError = (status: number, message: string): Reply => {
  const [name, reason] = statusNames[status] ?? ["UNKNOWN", "unknown"]
  return {
    status,
    body: {
      error: {
        code: status,
        message,
        errors: [{ message, domain: "global", reason }],
        status: name,
      },
    },
  }
}

const resource = (object: FakeObject): Record<string, unknown> => {
  const id = `${object.bucket}/${object.name}`
  const path = `b/${encodeURIComponent(object.bucket)}/o/${encodeURIComponent(object.name)}`
  return {
    kind: "storage#object",
    id: `${id}/${object.generation}`,
    selfLink: `https://www.googleapis.com/storage/v1/${path}`,
    mediaLink: `https://storage.googleapis.com/download/storage/v1/${path}?generation=${object.generation}&alt=media`,
    name: object.name,
    bucket: object.bucket,
    generation: String(object.generation),
    metageneration: "1",
    contentType: object.contentType,
    storageClass: "STANDARD",
    size: String(object.content.length),
    md5Hash: object.md5Hash,
    crc32c: object.crc32c,
    etag: `CJ${object.generation}EAE=`,
    timeCreated: new Date(Math.floor(object.generation / 1000)).toISOString(),
    updated: new Date(Math.floor(object.generation / 1000)).toISOString(),
    ...(Object.keys(object.metadata).length === 0 ? {} : { metadata: object.metadata }),
  }
}

/** The object's bytes with the headers the client validates a download against. */
const media = (object: FakeObject): Reply => ({
  status: 200,
  headers: {
    "content-type": object.contentType,
    "x-goog-hash": `crc32c=${object.crc32c},md5=${object.md5Hash}`,
    "x-goog-stored-content-encoding": "identity",
    "x-goog-stored-content-length": String(object.content.length),
    "x-goog-generation": String(object.generation),
    "x-goog-metageneration": "1",
  },
  body: object.content,
})

/** The parts of a multipart/related body: each part's Content-Type and raw content. */
const multipartParts = (
  raw: RawRequest,
): ReadonlyArray<{ readonly contentType: string | undefined; readonly content: Buffer }> => {
  const boundary = /boundary="?([^";]+)"?/i.exec(raw.contentType)?.[1]
  if (boundary === undefined) return []
  const delimiter = Buffer.from(`--${boundary}`)
  const parts: Array<{ readonly contentType: string | undefined; readonly content: Buffer }> = []
  let at = raw.body.indexOf(delimiter)
  while (at !== -1) {
    const start = at + delimiter.length
    if (raw.body.subarray(start, start + 2).toString("latin1") === "--") break
    const next = raw.body.indexOf(delimiter, start)
    if (next === -1) break
    // Each part sits between "\r\n" after the delimiter line and "\r\n" before the next one.
    const part = raw.body.subarray(start + 2, next - 2)
    const headerEnd = part.indexOf("\r\n\r\n")
    if (headerEnd === -1) break
    const headers = part.subarray(0, headerEnd).toString("latin1")
    parts.push({
      contentType: /^content-type:\s*(.+)$/im.exec(headers)?.[1]?.trim(),
      content: Buffer.from(part.subarray(headerEnd + 4)),
    })
    at = next
  }
  return parts
}

const readRequest = (incoming: IncomingMessage): Promise<RawRequest> =>
  new Promise((resolve) => {
    const chunks: Array<Buffer> = []
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
    incoming.on("end", () => {
      resolve({
        method: incoming.method ?? "GET",
        url: new URL(incoming.url ?? "/", "http://fake"),
        contentType: incoming.headers["content-type"] ?? "",
        body: Buffer.concat(chunks),
      })
    })
  })

const recorded = (raw: RawRequest): RecordedRequest => {
  const json = raw.contentType.startsWith("multipart/")
    ? multipartParts(raw)[0]?.content.toString("utf8")
    : raw.body.length === 0
      ? undefined
      : raw.body.toString("utf8")
  return {
    method: raw.method,
    path: raw.url.pathname,
    query: Object.fromEntries(raw.url.searchParams),
    body: json === undefined ? undefined : parseJson(json),
  }
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

const send = (outgoing: ServerResponse, reply: Reply): void => {
  if (reply.body === undefined) {
    outgoing.writeHead(reply.status, reply.headers).end()
    return
  }
  if (Buffer.isBuffer(reply.body)) {
    outgoing
      .writeHead(reply.status, { ...reply.headers, "content-length": String(reply.body.length) })
      .end(reply.body)
    return
  }
  outgoing
    .writeHead(reply.status, {
      ...reply.headers,
      "content-type": "application/json; charset=UTF-8",
    })
    .end(JSON.stringify(reply.body))
}

/** GCS lists names in the order of their UTF-8 bytes. */
const compareBytes = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"))

/** CRC32C (Castagnoli, reflected polynomial 0x82F63B78), one byte at a time from a table. */
const crc32cTable = Uint32Array.from({ length: 256 }, (_, index) => {
  let value = index
  for (let bit = 0; bit < 8; bit += 1) {
    value = value & 1 ? (value >>> 1) ^ 0x82f63b78 : value >>> 1
  }
  return value >>> 0
})

export const crc32c = (bytes: Uint8Array): number => {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc = (crc32cTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8)
  }
  return (crc ^ 0xffffffff) >>> 0
}

/** The API's form: the checksum's four bytes, big-endian, in base64. */
const crc32cBase64 = (bytes: Uint8Array): string => {
  const buffer = Buffer.alloc(4)
  buffer.writeUInt32BE(crc32c(bytes))
  return buffer.toString("base64")
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const recordAt = (value: unknown, key: string): Readonly<Record<string, unknown>> => {
  const inner = isRecord(value) ? value[key] : undefined
  return isRecord(inner) ? inner : {}
}

const stringAt = (value: unknown, key: string): string | undefined => {
  const inner = isRecord(value) ? value[key] : undefined
  return typeof inner === "string" ? inner : undefined
}
