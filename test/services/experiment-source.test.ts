import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import * as Path from "node:path"
import { FileSystem } from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger } from "effect"
import type { Experiment } from "../../src/domain/experiment.js"
import { ExperimentSource, ExperimentSourceError } from "../../src/services/experiment-source.js"
import { listenLocally } from "../support/local-server.js"

const fixtures = "test/fixtures/experimenter"
const v8File = `${fixtures}/v8-experiments.json`
const directory = `${fixtures}/local-directory`

/** Records shaped like /api/v8/experiments/, valid ones among invalid ones. */
const v8Records: ReadonlyArray<unknown> = JSON.parse(readFileSync(v8File, "utf8"))

/** What the test server does with one request: answer, or hold it open forever. */
type Reply =
  | { readonly status: number; readonly body?: unknown; readonly raw?: string }
  | "hang"
  | "drop"

/**
 * A real HTTP server on 127.0.0.1, so the source is tested through Node's fetch, sockets and
 * all. `reply` gets the raw request path and the 1-based number of the request.
 */
const serve = (reply: (url: string, count: number) => Reply) =>
  Effect.gen(function* () {
    const requests: string[] = []
    const server = createServer((request, response) => {
      const url = request.url ?? ""
      requests.push(url)
      const answer = reply(url, requests.length)
      if (answer === "hang") return
      if (answer === "drop") {
        request.socket.destroy()
        return
      }
      response.writeHead(answer.status, { "content-type": "application/json" })
      response.end(answer.raw ?? JSON.stringify(answer.body ?? null))
    })
    const baseUrl = yield* listenLocally(server)
    return { baseUrl, requests }
  })

const ok = (body: unknown): Reply => ({ status: 200, body })

/** Serves the v8 fixture: the list, and each record with a slug at its own URL. */
const experimenter = (url: string): Reply => {
  if (url === "/api/v8/experiments/") return ok(v8Records)
  const record = v8Records.find(
    (candidate) =>
      typeof candidate === "object" &&
      candidate !== null &&
      "slug" in candidate &&
      typeof candidate.slug === "string" &&
      url === `/api/v8/experiments/${encodeURIComponent(candidate.slug)}/`,
  )
  return record === undefined ? { status: 404, body: { detail: "Not found." } } : ok(record)
}

/** Fast settings, so retries and timeouts take milliseconds. */
const fast = { retries: 2, timeoutMillis: 300, initialBackoffMillis: 5 }

/** The warnings logged while `effect` runs, captured instead of printed. */
const withWarnings = <A, E, R>(effect: Effect.Effect<A, E, R>) => {
  const warnings: string[] = []
  const capture = Logger.make(({ logLevel, message }) => {
    if (logLevel._tag === "Warning") {
      warnings.push((Array.isArray(message) ? message : [message]).map(String).join(" "))
    }
  })
  return effect.pipe(
    Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
    Effect.map((value) => ({ value, warnings })),
  )
}

const httpSource = (options: Parameters<typeof ExperimentSource.http>[0]) =>
  Effect.provide(ExperimentSource, ExperimentSource.http(options))

const localSource = (path: string) =>
  Effect.provide(
    ExperimentSource,
    ExperimentSource.local(path).pipe(Layer.provide(NodeContext.layer)),
  )

const slugs = (experiments: ReadonlyArray<Experiment>) => experiments.map(({ slug }) => slug)

describe("ExperimentSource.http", () => {
  it.scopedLive("lists the valid experiments and reports each invalid record as an error", () =>
    Effect.gen(function* () {
      const server = yield* serve(experimenter)
      // A trailing slash on the base URL must not double the path's.
      const source = yield* httpSource({ ...fast, baseUrl: `${server.baseUrl}/` })
      const { experiments, errors } = yield* source.list
      expect(slugs(experiments)).toEqual([
        "pin-to-taskbar-spotlight",
        "live-mobile",
        "old-desktop-rollout",
      ])
      expect(errors.map(({ slug }) => slug)).toEqual([
        "no-branches",
        undefined,
        "bad-date",
        undefined,
        "many-problems",
      ])
      expect(errors[2]?.message).toBe(
        'experiment #3 ("bad-date"): startDate "2019-13-01" is not a date',
      )
      expect(server.requests).toEqual(["/api/v8/experiments/"])
    }),
  )

  it.scopedLive(
    "refuses a body over the size limit at once, declared or streamed, without retrying",
    () =>
      Effect.gen(function* () {
        const big = JSON.stringify(
          Array.from({ length: 30_000 }, (_, index) => ({ slug: `x${index}` })),
        )
        const declared = yield* serve(() => ({ status: 200, raw: big }))
        const limit = { ...fast, maxBodyBytes: 100_000 }
        const refused = yield* Effect.flip(
          httpSource({ ...limit, baseUrl: declared.baseUrl }).pipe(
            Effect.flatMap((source) => source.list),
          ),
        )
        expect(refused.message).toBe(
          `GET ${declared.baseUrl}/api/v8/experiments/: the response is larger than 100,000 bytes, the most Slipstream reads`,
        )
        expect(declared.requests).toHaveLength(1)
        // Without a Content-Length (chunked), reading stops once the limit is passed.
        const chunked = createServer((_, response) => {
          response.writeHead(200, { "content-type": "application/json" })
          for (let part = 0; part < 50; part++) response.write(big.slice(0, 10_000))
          response.end()
        })
        const baseUrl = yield* listenLocally(chunked)
        const streamed = yield* Effect.flip(
          httpSource({ ...limit, baseUrl }).pipe(Effect.flatMap((source) => source.list)),
        )
        expect(streamed.message).toContain("the response is larger than")
      }),
  )

  it.scopedLive("gets one experiment by slug", () =>
    Effect.gen(function* () {
      const server = yield* serve(experimenter)
      const source = yield* httpSource({ ...fast, baseUrl: server.baseUrl })
      const experiment = yield* source.get("pin-to-taskbar-spotlight")
      expect(experiment).toMatchObject({
        slug: "pin-to-taskbar-spotlight",
        appName: "firefox_desktop",
        referenceBranch: "control",
        startDate: "2019-12-01",
      })
      expect(experiment.branches.map(({ slug }) => slug)).toEqual([
        "control",
        "treatment-a",
        "treatment-b",
      ])
      expect(server.requests).toEqual(["/api/v8/experiments/pin-to-taskbar-spotlight/"])
    }),
  )

  it.scopedLive("encodes a slug that is not URL-safe", () =>
    Effect.gen(function* () {
      const slug = "a b/ü?#"
      const server = yield* serve(() =>
        ok({ slug, appName: "fenix", branches: [{ slug: "control", ratio: 1 }] }),
      )
      const source = yield* httpSource({ ...fast, baseUrl: server.baseUrl })
      const experiment = yield* source.get(slug)
      expect(experiment.slug).toBe(slug)
      expect(server.requests).toEqual(["/api/v8/experiments/a%20b%2F%C3%BC%3F%23/"])
    }),
  )

  it.scopedLive("fails get for a record that does not decode, with the record's problem", () =>
    Effect.gen(function* () {
      const server = yield* serve(experimenter)
      const source = yield* httpSource({ ...fast, baseUrl: server.baseUrl })
      const error = yield* Effect.flip(source.get("bad-date"))
      expect(error).toBeInstanceOf(ExperimentSourceError)
      expect(error.source).toBe(`${server.baseUrl}/api/v8/experiments/bad-date/`)
      expect(error.message).toContain('startDate "2019-13-01" is not a date')
    }),
  )

  it.scopedLive("retries 503 with a logged warning each time, then succeeds", () =>
    Effect.gen(function* () {
      const server = yield* serve((url, count) =>
        count <= 2 ? { status: 503, body: { detail: "busy" } } : experimenter(url),
      )
      const source = yield* httpSource({ ...fast, baseUrl: server.baseUrl })
      const { value, warnings } = yield* withWarnings(source.list)
      expect(slugs(value.experiments)).toHaveLength(3)
      expect(server.requests).toHaveLength(3)
      expect(warnings).toHaveLength(2)
      expect(warnings[0]).toContain(`${server.baseUrl}/api/v8/experiments/`)
      expect(warnings[0]).toContain("attempt 1")
      expect(warnings[0]).toContain("HTTP 503")
      expect(warnings[1]).toContain("attempt 2")
    }),
  )

  it.scopedLive("retries 429 and a dropped connection", () =>
    Effect.gen(function* () {
      const server = yield* serve((url, count) =>
        count === 1 ? { status: 429 } : count === 2 ? "drop" : experimenter(url),
      )
      const source = yield* httpSource({ ...fast, baseUrl: server.baseUrl })
      const { value, warnings } = yield* withWarnings(source.get("live-mobile"))
      expect(value.slug).toBe("live-mobile")
      expect(server.requests).toHaveLength(3)
      expect(warnings[0]).toContain("HTTP 429")
      expect(warnings[1]).toContain("fetch failed")
    }),
  )

  it.scopedLive("times out a response that never comes, and retries", () =>
    Effect.gen(function* () {
      const server = yield* serve((url, count) => (count === 1 ? "hang" : experimenter(url)))
      const source = yield* httpSource({ ...fast, timeoutMillis: 100, baseUrl: server.baseUrl })
      const { value, warnings } = yield* withWarnings(source.list)
      expect(slugs(value.experiments)).toHaveLength(3)
      expect(server.requests).toHaveLength(2)
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain("timed out after 100 ms")
    }),
  )

  it.scopedLive("fails with a timeout once every attempt hangs", () =>
    Effect.gen(function* () {
      const server = yield* serve(() => "hang")
      const source = yield* httpSource({
        retries: 1,
        timeoutMillis: 50,
        initialBackoffMillis: 5,
        baseUrl: server.baseUrl,
      })
      const error = yield* Effect.flip(source.list)
      expect(error.message).toContain("timed out after 50 ms")
      expect(server.requests).toHaveLength(2)
    }),
  )

  it.scopedLive("fails at once on 404, naming the URL and the status", () =>
    Effect.gen(function* () {
      const server = yield* serve(experimenter)
      const source = yield* httpSource({ ...fast, baseUrl: server.baseUrl })
      const { value: error, warnings } = yield* withWarnings(Effect.flip(source.get("unknown")))
      const url = `${server.baseUrl}/api/v8/experiments/unknown/`
      expect(error).toBeInstanceOf(ExperimentSourceError)
      expect(error.source).toBe(url)
      expect(error.message).toContain(url)
      expect(error.message).toContain("404")
      expect(error.message).toContain('no experiment "unknown"')
      expect(server.requests).toHaveLength(1)
      expect(warnings).toEqual([])
    }),
  )

  it.scopedLive("fails on a body that is not JSON", () =>
    Effect.gen(function* () {
      const server = yield* serve(() => ({ status: 200, raw: "<html>maintenance</html>" }))
      const source = yield* httpSource({ ...fast, baseUrl: server.baseUrl })
      const error = yield* Effect.flip(source.list)
      expect(error.message).toContain("invalid JSON")
      expect(error.message).toContain(`${server.baseUrl}/api/v8/experiments/`)
      expect(server.requests).toHaveLength(1)
    }),
  )

  it.scopedLive("fails the list when the body is not a list of records", () =>
    Effect.gen(function* () {
      const server = yield* serve(() => ok({ detail: "Authentication required." }))
      const source = yield* httpSource({ ...fast, baseUrl: server.baseUrl })
      const error = yield* Effect.flip(source.list)
      expect(error.message).toContain("expected a list of experiment records")
    }),
  )

  it.scopedLive("gives up on a persistent 500 after retries + 1 requests", () =>
    Effect.gen(function* () {
      const server = yield* serve(() => ({ status: 500, body: { detail: "boom" } }))
      const source = yield* httpSource({ ...fast, retries: 3, baseUrl: server.baseUrl })
      const { value: error, warnings } = yield* withWarnings(Effect.flip(source.list))
      expect(server.requests).toHaveLength(4)
      expect(warnings).toHaveLength(3)
      expect(error.source).toBe(`${server.baseUrl}/api/v8/experiments/`)
      expect(error.message).toContain("HTTP 500")
      expect(error.message).toContain("gave up after 4 attempts")
    }),
  )
})

describe("ExperimentSource.local", () => {
  it.effect("reads a file holding a list of records, naming the file in record errors", () =>
    Effect.gen(function* () {
      const source = yield* localSource(v8File)
      const { experiments, errors } = yield* source.list
      expect(slugs(experiments)).toEqual([
        "pin-to-taskbar-spotlight",
        "live-mobile",
        "old-desktop-rollout",
      ])
      expect(errors).toHaveLength(5)
      expect(errors[0]?.message).toBe(
        `${v8File}: experiment #1 ("no-branches"): branches is empty: an experiment needs at least one branch`,
      )
      expect((yield* source.get("live-mobile")).appName).toBe("fenix")
    }),
  )

  it.effect("reads a file holding a single record", () =>
    Effect.gen(function* () {
      const source = yield* localSource(`${directory}/20-beta.json`)
      const { experiments, errors } = yield* source.list
      expect(experiments).toHaveLength(1)
      expect(experiments[0]).toMatchObject({ slug: "beta", name: "Beta, replaced" })
      expect(errors).toEqual([])
    }),
  )

  it.effect("reads a directory's JSON files in order, later slugs replacing earlier ones", () =>
    Effect.gen(function* () {
      const source = yield* localSource(directory)
      const { experiments, errors } = yield* source.list
      expect(slugs(experiments)).toEqual(["alpha", "beta"])
      expect(experiments[1]?.name).toBe("Beta, replaced")
      expect(experiments[1]?.branches).toEqual([
        { slug: "control", ratio: 1 },
        { slug: "treatment", ratio: 3 },
      ])
      expect(errors.map(({ message }) => message)).toEqual([
        `${Path.join(directory, "10-experiments.json")}: experiment #2 ("no-branches"): branches is empty: an experiment needs at least one branch`,
        `${Path.join(directory, "30-bad-date.json")}: experiment ("bad-date"): startDate "2024-02-30" is not a date`,
      ])
    }),
  )

  it.effect("gets by slug, failing for an unknown or undecodable one", () =>
    Effect.gen(function* () {
      const source = yield* localSource(directory)
      expect((yield* source.get("alpha")).name).toBe("Alpha")
      const unknown = yield* Effect.flip(source.get("gamma"))
      expect(unknown).toBeInstanceOf(ExperimentSourceError)
      expect(unknown.message).toBe(`no experiment "gamma" in ${directory}`)
      const undecodable = yield* Effect.flip(source.get("bad-date"))
      expect(undecodable.message).toContain('startDate "2024-02-30" is not a date')
    }),
  )

  it.effect("fails for a missing path, naming it", () =>
    Effect.gen(function* () {
      const missing = `${fixtures}/no-such-file.json`
      const source = yield* localSource(missing)
      const error = yield* Effect.flip(source.list)
      expect(error).toBeInstanceOf(ExperimentSourceError)
      expect(error.source).toBe(missing)
      expect(error.message).toBe(`${missing} does not exist`)
    }),
  )

  it.scoped("fails for a broken JSON file, naming it, also inside a directory", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem
      const temporary = yield* fs.makeTempDirectoryScoped()
      const broken = Path.join(temporary, "b-broken.json")
      yield* fs.writeFileString(Path.join(temporary, "a-fine.json"), "[]")
      yield* fs.writeFileString(broken, '[\n  { "slug": "truncated", "branches": [\n')
      for (const path of [broken, temporary]) {
        const source = yield* localSource(path)
        const error = yield* Effect.flip(source.list)
        expect(error.source).toBe(broken)
        expect(error.message).toContain(`invalid JSON in ${broken}`)
      }
    }).pipe(Effect.provide(NodeContext.layer)),
  )
})

describe("ExperimentSource.inMemory", () => {
  const experiment: Experiment = {
    slug: "in-memory",
    appName: "fenix",
    branches: [{ slug: "control", ratio: 1 }],
    isRollout: false,
    outcomes: [],
    segments: [],
  }

  it.effect("serves the given experiments", () =>
    Effect.gen(function* () {
      const source = yield* ExperimentSource
      expect(yield* source.list).toEqual({ experiments: [experiment], errors: [] })
      expect(yield* source.get("in-memory")).toBe(experiment)
      const error = yield* Effect.flip(source.get("other"))
      expect(error.message).toBe('no experiment "other" in memory')
    }).pipe(Effect.provide(ExperimentSource.inMemory([experiment]))),
  )
})
