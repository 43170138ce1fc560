import * as Path from "node:path"
import { FileSystem } from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { type Context, Effect, Option, type Scope } from "effect"
import {
  defaultOutputDirectory,
  ObjectStore,
  ObjectStoreError,
} from "../../src/services/object-store.js"
import { type FakeGcs, fakeGcs, type RecordedRequest } from "../support/fake-gcs.js"

type Store = Context.Tag.Service<ObjectStore>

/** One backend under the shared contract: how to get a fresh, empty store for one test. */
interface Backend {
  readonly name: string
  readonly fresh: Effect.Effect<Store, never, Scope.Scope>
}

/** Every object path here is one of these, or is refused before anything is touched. */
const hostilePaths = [
  "../../etc/passwd",
  "a/../../b",
  "..",
  "a/..",
  "/abs",
  "/",
  "a\\b",
  "..\\..\\windows",
  "",
  ".",
  "a/./b",
  "a//b",
  "a/",
  "nul\u0000byte",
  "line\nbreak",
]

const hostilePrefixes = ["../", "a/../", "/abs", "a\\b/", "a//", "./"]

const bucket = "moz-fx-data-experiments"
const storePrefix = "slipstream/v1"

const localBackend: Backend = {
  name: "localDirectory",
  fresh: Effect.gen(function* () {
    const fs = yield* FileSystem
    const root = yield* fs.makeTempDirectoryScoped()
    return yield* Effect.provide(ObjectStore, ObjectStore.localDirectory(Path.join(root, "out")))
  }).pipe(Effect.provide(NodeContext.layer), Effect.orDie),
}

/** The real client against the fake, under `prefix` (the shared one unless told). */
const gcsOn = (fake: FakeGcs, prefix: { readonly prefix?: string } = { prefix: storePrefix }) =>
  Effect.provide(
    ObjectStore,
    ObjectStore.gcs({ bucket, projectId: "moz-fx-test", apiEndpoint: fake.endpoint, ...prefix }),
  )

const gcsBackend: Backend = {
  name: "gcs",
  fresh: Effect.flatMap(fakeGcs, (fake) => gcsOn(fake)),
}

const failureOf = <A>(effect: Effect.Effect<A, ObjectStoreError>) =>
  Effect.flip(effect).pipe(
    Effect.tap((error) => Effect.sync(() => expect(error).toBeInstanceOf(ObjectStoreError))),
  )

for (const backend of [localBackend, gcsBackend]) {
  describe(`ObjectStore.${backend.name}`, () => {
    it.scoped("reads back what it wrote: text, unicode and bytes", () =>
      Effect.gen(function* () {
        const store = yield* backend.fresh
        const text = JSON.stringify({ metric: "active_hours", branch: "contrôle ✓ 🚀" })
        const bytes = Uint8Array.from([0xe2, 0x9c, 0x93, 0x0a, 0x41])

        expect(
          yield* store.write("statistics/statistics_my_exp_weekly.json", text, "application/json"),
        ).toBe("written")
        expect(yield* store.write("reports/café ✓.html", "<p>é</p>", "text/html")).toBe("written")
        expect(yield* store.write("raw/bytes.bin", bytes, "application/octet-stream")).toBe(
          "written",
        )
        expect(yield* store.write("empty.txt", "", "text/plain")).toBe("written")

        expect(yield* store.read("statistics/statistics_my_exp_weekly.json")).toEqual(
          Option.some(text),
        )
        expect(yield* store.read("reports/café ✓.html")).toEqual(Option.some("<p>é</p>"))
        expect(yield* store.read("raw/bytes.bin")).toEqual(Option.some("✓\nA"))
        expect(yield* store.read("empty.txt")).toEqual(Option.some(""))
      }),
    )

    it.scoped("writes changed content and skips identical content", () =>
      Effect.gen(function* () {
        const store = yield* backend.fresh
        const path = "metadata/metadata_my_exp.json"

        expect(yield* store.write(path, '{"v":1}', "application/json")).toBe("written")
        expect(yield* store.write(path, '{"v":2}', "application/json")).toBe("written")
        expect(yield* store.write(path, '{"v":2}', "application/json")).toBe("unchanged")
        expect(
          yield* store.write(path, new TextEncoder().encode('{"v":2}'), "application/json"),
        ).toBe("unchanged")
        expect(yield* store.read(path)).toEqual(Option.some('{"v":2}'))
      }),
    )

    it.scoped("lists the paths that start with a prefix, sorted", () =>
      Effect.gen(function* () {
        const store = yield* backend.fresh
        for (const path of [
          "statistics/statistics_b_weekly.json",
          "statistics/statistics_a_overall.json",
          "statistics/statistics_a_daily.json",
          "statistics/nested/deeper/x.json",
          "metadata/metadata_a.json",
          "statisticsless.json",
        ]) {
          yield* store.write(path, path, "application/json")
        }

        expect(yield* store.list("statistics/statistics_a")).toEqual([
          "statistics/statistics_a_daily.json",
          "statistics/statistics_a_overall.json",
        ])
        expect(yield* store.list("statistics/")).toEqual([
          "statistics/nested/deeper/x.json",
          "statistics/statistics_a_daily.json",
          "statistics/statistics_a_overall.json",
          "statistics/statistics_b_weekly.json",
        ])
        expect(yield* store.list("statistics")).toHaveLength(5)
        expect(yield* store.list("")).toEqual([
          "metadata/metadata_a.json",
          "statistics/nested/deeper/x.json",
          "statistics/statistics_a_daily.json",
          "statistics/statistics_a_overall.json",
          "statistics/statistics_b_weekly.json",
          "statisticsless.json",
        ])
        expect(yield* store.list("reports/")).toEqual([])
        expect(yield* store.list("statisticsless.json/")).toEqual([])
      }),
    )

    it.scoped("reads a missing object as none", () =>
      Effect.gen(function* () {
        const store = yield* backend.fresh
        expect(yield* store.read("statistics/none.json")).toEqual(Option.none())
        yield* store.write("statistics/one.json", "1", "application/json")
        expect(yield* store.read("statistics/none.json")).toEqual(Option.none())
        expect(yield* store.read("statistics/one.json/below")).toEqual(Option.none())
      }),
    )

    it.scoped("refuses paths that could leave the root, naming them", () =>
      Effect.gen(function* () {
        const store = yield* backend.fresh
        for (const path of hostilePaths) {
          const written = yield* failureOf(store.write(path, "x", "text/plain"))
          expect(written.path).toBe(path)
          expect(written.message).toContain(`invalid object path ${JSON.stringify(path)}`)
          const read = yield* failureOf(store.read(path))
          expect(read.path).toBe(path)
        }
        for (const prefix of hostilePrefixes) {
          const listed = yield* failureOf(store.list(prefix))
          expect(listed.message).toContain(`invalid prefix ${JSON.stringify(prefix)}`)
        }
        expect(yield* store.list("")).toEqual([])
      }),
    )
  })
}

/** Every entry under `root`, recursively, slash-separated and sorted. */
const entriesUnder = (root: string) =>
  Effect.flatMap(FileSystem, (fs) => fs.readDirectory(root, { recursive: true })).pipe(
    Effect.map((names) => names.map((name) => name.split(Path.sep).join("/")).sort()),
  )

describe("ObjectStore.localDirectory", () => {
  it.scoped("is addressed by its absolute root", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem
      const root = yield* fs.makeTempDirectoryScoped()
      const store = yield* Effect.provide(ObjectStore, ObjectStore.localDirectory(root))
      const relative = yield* Effect.provide(
        ObjectStore,
        ObjectStore.localDirectory(defaultOutputDirectory),
      )

      expect(store.location).toBe(root)
      expect(store.addressOf("reports/x.html")).toBe(Path.join(root, "reports", "x.html"))
      expect(relative.location).toBe(Path.resolve("out"))
      expect(Path.isAbsolute(relative.addressOf("a.json"))).toBe(true)
    }).pipe(Effect.provide(NodeContext.layer)),
  )

  it.scoped("creates folders, writes through a renamed temp file and leaves none behind", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem
      const root = Path.join(yield* fs.makeTempDirectoryScoped(), "new", "out")
      const store = yield* Effect.provide(ObjectStore, ObjectStore.localDirectory(root))

      yield* Effect.forEach(
        Array.from({ length: 20 }, (_, index) => index),
        (index) =>
          store.write(`statistics/s${index % 4}.json`, `{"i":${index}}`, "application/json"),
        { concurrency: 8 },
      )
      yield* store.write("index.html", "<html></html>", "text/html")
      yield* store.write("index.html", "<html></html>", "text/html")

      expect(yield* entriesUnder(root)).toEqual([
        "index.html",
        "statistics",
        "statistics/s0.json",
        "statistics/s1.json",
        "statistics/s2.json",
        "statistics/s3.json",
      ])
    }).pipe(Effect.provide(NodeContext.layer)),
  )

  it.scoped("does not list another writer's temp files", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem
      const root = yield* fs.makeTempDirectoryScoped()
      const store = yield* Effect.provide(ObjectStore, ObjectStore.localDirectory(root))
      yield* store.write("reports/a.html", "a", "text/html")
      yield* fs.writeFileString(Path.join(root, "reports", ".b.html.0123456789abcdef.tmp"), "half")

      expect(yield* store.list("reports/")).toEqual(["reports/a.html"])
    }).pipe(Effect.provide(NodeContext.layer)),
  )

  it.scoped("fails with ObjectStoreError when a file or folder is in the way", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem
      const parent = yield* fs.makeTempDirectoryScoped()
      const fileRoot = Path.join(parent, "out.txt")
      yield* fs.writeFileString(fileRoot, "not a folder")
      const onFile = yield* Effect.provide(ObjectStore, ObjectStore.localDirectory(fileRoot))

      const rootIsFile = yield* failureOf(onFile.write("a/b.json", "{}", "application/json"))
      expect(rootIsFile.path).toBe("a/b.json")
      expect(rootIsFile.message).toContain(`cannot write ${Path.join(fileRoot, "a", "b.json")}`)
      expect(rootIsFile.message).toContain("ENOTDIR")

      const store = yield* Effect.provide(
        ObjectStore,
        ObjectStore.localDirectory(Path.join(parent, "out")),
      )
      yield* store.write("reports/x.html", "x", "text/html")
      const folderInTheWay = yield* failureOf(store.write("reports", "r", "text/plain"))
      expect(folderInTheWay.path).toBe("reports")
      expect(folderInTheWay.message).toContain("EISDIR")
      const fileInTheWay = yield* failureOf(store.write("reports/x.html/y", "y", "text/plain"))
      expect(fileInTheWay.message).toContain(
        `cannot write ${Path.join(parent, "out", "reports", "x.html", "y")}`,
      )
      const unreadable = yield* failureOf(store.read("reports"))
      expect(unreadable.message).toContain(`cannot read ${Path.join(parent, "out", "reports")}`)

      expect(yield* entriesUnder(parent)).toEqual([
        "out",
        "out.txt",
        "out/reports",
        "out/reports/x.html",
      ])
    }).pipe(Effect.provide(NodeContext.layer)),
  )

  it.scoped("touches nothing outside the root for hostile paths", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem
      const parent = yield* fs.makeTempDirectoryScoped()
      const store = yield* Effect.provide(
        ObjectStore,
        ObjectStore.localDirectory(Path.join(parent, "a", "out")),
      )
      for (const path of ["../escaped.txt", "x/../../escaped.txt", `${parent}/escaped.txt`]) {
        yield* Effect.flip(store.write(path, "x", "text/plain"))
      }
      expect(yield* entriesUnder(parent)).toEqual([])
    }).pipe(Effect.provide(NodeContext.layer)),
  )
})

const uploads = (requests: ReadonlyArray<RecordedRequest>) =>
  requests.filter((request) => request.method === "POST" && request.path.startsWith("/upload/"))

const isUpload = (request: RecordedRequest) =>
  request.method === "POST" && request.path.startsWith("/upload/")

describe("ObjectStore.gcs", () => {
  it.scoped("is addressed as gs://bucket/prefix", () =>
    Effect.gen(function* () {
      const fake = yield* fakeGcs
      const store = yield* gcsOn(fake, { prefix: "/slipstream/v1/" })
      const bare = yield* gcsOn(fake, {})
      const empty = yield* gcsOn(fake, { prefix: "" })

      expect(store.location).toBe(`gs://${bucket}/slipstream/v1`)
      expect(store.addressOf("reports/x.html")).toBe(`gs://${bucket}/slipstream/v1/reports/x.html`)
      expect(bare.location).toBe(`gs://${bucket}`)
      expect(bare.addressOf("x.json")).toBe(`gs://${bucket}/x.json`)
      expect(empty.location).toBe(`gs://${bucket}`)
    }),
  )

  it.scoped("uploads one multipart object under the prefix, with its content type and MD5", () =>
    Effect.gen(function* () {
      const fake = yield* fakeGcs
      const store = yield* gcsOn(fake)
      const content = '{"slug":"my-exp"}'

      yield* store.write("metadata/metadata_my_exp.json", content, "application/json")

      const [object] = fake.objects(bucket)
      expect(fake.objects(bucket)).toHaveLength(1)
      expect(object?.name).toBe(`${storePrefix}/metadata/metadata_my_exp.json`)
      expect(object?.contentType).toBe("application/json")
      expect(object?.content.toString("utf8")).toBe(content)
      const [upload] = uploads(fake.requests)
      expect(upload?.path).toBe(`/upload/storage/v1/b/${bucket}/o`)
      expect(upload?.query).toMatchObject({
        uploadType: "multipart",
        name: `${storePrefix}/metadata/metadata_my_exp.json`,
      })
      expect(upload?.body).toEqual({ contentType: "application/json", md5Hash: object?.md5Hash })
    }),
  )

  it.scoped("sends no upload when the object already has the same content and type", () =>
    Effect.gen(function* () {
      const fake = yield* fakeGcs
      const store = yield* gcsOn(fake)
      const path = "statistics/statistics_my_exp_weekly.json"

      expect(yield* store.write(path, "[1]", "application/json")).toBe("written")
      expect(uploads(fake.requests)).toHaveLength(1)
      expect(yield* store.write(path, "[1]", "application/json")).toBe("unchanged")
      expect(uploads(fake.requests)).toHaveLength(1)
      expect(fake.requests.at(-1)).toMatchObject({
        method: "GET",
        path: `/storage/v1/b/${bucket}/o/${encodeURIComponent(`${storePrefix}/${path}`)}`,
      })

      expect(yield* store.write(path, "[1]", "text/plain")).toBe("written")
      expect(uploads(fake.requests)).toHaveLength(2)
      expect(fake.objects(bucket)[0]?.contentType).toBe("text/plain")
    }),
  )

  it.scoped("lists every page, within the prefix, leaving out names that are not paths", () =>
    Effect.gen(function* () {
      const fake = yield* fakeGcs
      const store = yield* gcsOn(fake)
      fake.setPageSize(2)
      for (const name of ["c.json", "a.json", "b/d.json", "e.json", "b/", "b//f.json", "b/../g"]) {
        fake.putObject(bucket, `${storePrefix}/${name}`, name)
      }
      fake.putObject(bucket, "elsewhere/a.json", "outside the prefix")
      fake.putObject(bucket, `${storePrefix}-old/a.json`, "a sibling of the prefix")

      expect(yield* store.list("")).toEqual(["a.json", "b/d.json", "c.json", "e.json"])
      expect(yield* store.list("b/")).toEqual(["b/d.json"])
      const listings = fake.requests.filter(
        (request) => request.path === `/storage/v1/b/${bucket}/o`,
      )
      expect(listings.map((request) => request.query.prefix)).toEqual([
        ...Array.from({ length: 4 }, () => `${storePrefix}/`),
        `${storePrefix}/b/`,
        `${storePrefix}/b/`,
      ])
    }),
  )

  it.scoped("sends no request for a refused path", () =>
    Effect.gen(function* () {
      const fake = yield* fakeGcs
      const store = yield* gcsOn(fake)
      for (const path of hostilePaths) {
        yield* Effect.flip(store.write(path, "x", "text/plain"))
        yield* Effect.flip(store.read(path))
      }
      expect(fake.requests).toEqual([])
    }),
  )

  it.scoped("reports a 403 on upload with the path and the API's message", () =>
    Effect.gen(function* () {
      const fake = yield* fakeGcs
      const store = yield* gcsOn(fake)
      fake.failNext({
        status: 403,
        message:
          "slipstream@moz-fx-test.iam.gserviceaccount.com does not have storage.objects.create access",
        when: isUpload,
      })

      const error = yield* failureOf(store.write("reports/my_exp.html", "<html/>", "text/html"))

      expect(error.path).toBe("reports/my_exp.html")
      expect(error.message).toBe(
        `cannot write gs://${bucket}/${storePrefix}/reports/my_exp.html: HTTP 403: ` +
          "slipstream@moz-fx-test.iam.gserviceaccount.com does not have storage.objects.create access",
      )
      expect(uploads(fake.requests)).toHaveLength(1)
      expect(fake.objects(bucket)).toEqual([])
    }),
  )

  it.scoped("reports a 403 on download with the API's message, not its JSON", () =>
    Effect.gen(function* () {
      const fake = yield* fakeGcs
      const store = yield* gcsOn(fake)
      fake.putObject(bucket, `${storePrefix}/a.json`, "{}")
      fake.failNext({
        status: 403,
        message: "no storage.objects.get access",
        when: (r) => r.query.alt === "media",
      })

      const error = yield* failureOf(store.read("a.json"))

      expect(error.message).toBe(
        `cannot read gs://${bucket}/${storePrefix}/a.json: HTTP 403: no storage.objects.get access`,
      )
    }),
  )

  it.scoped("fails a read whose content does not match the server's checksums", () =>
    Effect.gen(function* () {
      const fake = yield* fakeGcs
      const store = yield* gcsOn(fake)
      yield* store.write("a.json", '{"n":1}', "application/json")
      fake.corrupt(bucket, `${storePrefix}/a.json`)

      const error = yield* failureOf(store.read("a.json"))

      expect(error.message).toContain(`cannot read gs://${bucket}/${storePrefix}/a.json`)
      expect(error.message).toContain("did not match")
    }),
  )

  it.scoped("retries an upload that met a 503 once (the client's own retry)", () =>
    Effect.gen(function* () {
      const fake = yield* fakeGcs
      const store = yield* gcsOn(fake)
      fake.failNext({ status: 503, when: isUpload })

      expect(yield* store.write("a.json", "[]", "application/json")).toBe("written")

      expect(uploads(fake.requests)).toHaveLength(2)
      expect(fake.objects(bucket).map((object) => object.content.toString("utf8"))).toEqual(["[]"])
    }),
  )

  it.scoped("retries reads and listings that met a 429 or 503", () =>
    Effect.gen(function* () {
      const fake = yield* fakeGcs
      const store = yield* gcsOn(fake)
      fake.putObject(bucket, `${storePrefix}/a.json`, "[1]")
      fake.failNext({ status: 503, when: (r) => r.query.alt === "media" })
      fake.failNext({ status: 429, when: (r) => r.query.prefix !== undefined })

      expect(yield* store.read("a.json")).toEqual(Option.some("[1]"))
      expect(yield* store.list("")).toEqual(["a.json"])
      expect(fake.requests).toHaveLength(4)
    }),
  )
})
