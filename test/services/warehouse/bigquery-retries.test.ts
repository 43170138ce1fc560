import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, HashMap, Logger, Random } from "effect"
import type { BigQuerySettings } from "../../../src/services/warehouse/bigquery.js"
import { classify, retryPolicy } from "../../../src/services/warehouse/bigquery-retry.js"
import { Warehouse, WarehouseError } from "../../../src/services/warehouse/warehouse.js"
import {
  type FakeBigQuery,
  fakeBigQuery,
  type RecordedRequest,
} from "../../support/fake-bigquery.js"

// As in bigquery.test.ts: no credentials here, so spare the client the metadata server.
process.env.METADATA_SERVER_DETECTION = "none"

const projectId = "moz-fx-test"
const datasetId = "analysis"
const api = `/bigquery/v2/projects/${projectId}`

/*
 * The real client against the fake, with waits of a millisecond or two so that tests run
 * on the live clock (the fake answers over real HTTP) without waiting for real.
 */
const warehouseOn = (fake: FakeBigQuery, extra: Partial<BigQuerySettings> = {}) =>
  Effect.provide(
    Warehouse,
    Warehouse.bigQuery({
      projectId,
      datasetId,
      apiEndpoint: fake.endpoint,
      retries: { maxAttempts: 5, baseDelay: "1 millis", maxDelay: "2 millis" },
      ...extra,
    }),
  )

interface Logged {
  readonly level: string
  readonly message: unknown
  readonly annotations: Readonly<Record<string, unknown>>
}

/** Runs `effect` with its log lines collected into `logged`. */
const collectingLogs = (logged: Array<Logged>) =>
  Effect.provide(
    Logger.replace(
      Logger.defaultLogger,
      Logger.make(({ logLevel, message, annotations }) => {
        logged.push({
          level: logLevel.label,
          message,
          annotations: Object.fromEntries(HashMap.toEntries(annotations)),
        })
      }),
    ),
  )

const warnings = (logged: ReadonlyArray<Logged>) => logged.filter(({ level }) => level === "WARN")

/** What the client called, in order: "POST jobs", "GET queries/*", "POST jobs/*\/cancel". */
const calls = (requests: ReadonlyArray<RecordedRequest>): ReadonlyArray<string> =>
  requests.map(
    (request) =>
      `${request.method} ${request.path
        .slice(api.length + 1)
        .split("/")
        .map((part, index) => (index % 2 === 1 && part !== "cancel" ? "*" : part))
        .join("/")}`,
  )

const inserts = (requests: ReadonlyArray<RecordedRequest>) =>
  requests.filter((request) => request.method === "POST" && request.path.endsWith("/jobs"))

const jobIdOf = (request: RecordedRequest | undefined): string | undefined => {
  const body = request?.body
  if (typeof body !== "object" || body === null || !("jobReference" in body)) return undefined
  const reference = body.jobReference
  if (typeof reference !== "object" || reference === null || !("jobId" in reference)) {
    return undefined
  }
  return typeof reference.jobId === "string" ? reference.jobId : undefined
}

/** The live clock's time as a label value (these tests run on the live clock). */
const timestampLabel = /^\d{4}-\d{2}-\d{2}t\d{2}-\d{2}-\d{2}$/

const oneRow = {
  fields: [{ name: "n", type: "INT64" }],
  rows: [["42"]],
} as const

describe("Warehouse.bigQuery retries", () => {
  it.scopedLive("503 at jobs.insert, then success: the query succeeds on the second insert", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      const sql = "SELECT COUNT(*) AS n FROM enrollments"
      fake.answer(sql, oneRow)
      fake.failNext({ kind: "jobs.insert", sql }, [{ status: 503, reason: "backendError" }])
      const warehouse = yield* warehouseOn(fake)
      const logged: Array<Logged> = []

      const result = yield* warehouse.query(sql, "enrollment count").pipe(collectingLogs(logged))

      expect(result.columns).toEqual([[42n]])
      expect(inserts(fake.requests)).toHaveLength(2)
      expect(calls(fake.requests)).toEqual([
        "POST jobs",
        "POST jobs",
        "GET queries/*",
        "GET jobs/*",
      ])
      expect(warnings(logged)).toHaveLength(1)
      expect(warnings(logged)[0]?.annotations).toMatchObject({
        purpose: "enrollment count",
        attempt: 1,
        maxAttempts: 5,
        reason: "HTTP 503 backendError",
      })
      expect(warnings(logged)[0]?.message).toEqual([
        expect.stringMatching(
          /^BigQuery request failed transiently \(HTTP 503 backendError\) on attempt 1 of 5/,
        ),
      ])
    }),
  )

  it.scopedLive("a job that fails with rateLimitExceeded is run again, as a new job", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      const sql = "SELECT COUNT(*) AS n FROM exposures"
      fake.answer(sql, oneRow)
      // BigQuery reports rateLimitExceeded with a 403, as it does accessDenied.
      fake.failNext({ kind: "job", sql }, [
        {
          status: 403,
          reason: "rateLimitExceeded",
          message: "Exceeded rate limits: too many concurrent queries for this project",
        },
      ])
      const warehouse = yield* warehouseOn(fake)
      const logged: Array<Logged> = []

      const result = yield* warehouse.query(sql, "exposure count").pipe(collectingLogs(logged))

      expect(result.columns).toEqual([[42n]])
      expect(calls(fake.requests)).toEqual([
        "POST jobs",
        "GET queries/*",
        "GET jobs/*",
        "POST jobs",
        "GET queries/*",
        "GET jobs/*",
      ])
      const [first, second] = inserts(fake.requests)
      expect(jobIdOf(first)).toBeDefined()
      expect(jobIdOf(second)).toBeDefined()
      expect(jobIdOf(first)).not.toBe(jobIdOf(second))
      expect(warnings(logged).map(({ annotations }) => annotations)).toMatchObject([
        { purpose: "exposure count", attempt: 1, reason: "rateLimitExceeded" },
      ])
      expect(warnings(logged)[0]?.message).toEqual([
        expect.stringMatching(/^BigQuery job failed transiently \(rateLimitExceeded\)/),
      ])
    }),
  )

  it.scopedLive("jobRateLimitExceeded at jobs.insert is retried", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      const sql = "SELECT COUNT(*) AS n FROM segments"
      fake.answer(sql, oneRow)
      fake.failNext({ kind: "jobs.insert", sql }, [
        { status: 403, reason: "jobRateLimitExceeded" },
        { status: 403, reason: "jobRateLimitExceeded" },
      ])
      const warehouse = yield* warehouseOn(fake)

      const result = yield* warehouse.query(sql, "segment count")

      expect(result.columns).toEqual([[42n]])
      expect(inserts(fake.requests)).toHaveLength(3)
    }),
  )

  it.scopedLive(
    "backendError in createTableAs's destination-table job: a new job writes the table, once",
    () =>
      Effect.gen(function* () {
        const fake = yield* fakeBigQuery
        const sql = "SELECT client_id, branch FROM raw"
        fake.answer(sql, { statistics: { bytesProcessed: 99, milliseconds: 5 } })
        fake.failNext({ kind: "job", sql }, [
          {
            status: 500,
            reason: "backendError",
            message: "Error encountered during execution. Retrying may solve the problem.",
          },
        ])
        const warehouse = yield* warehouseOn(fake)

        const cost = yield* warehouse.createTableAs("enrollments_my_exp", sql, "enrollments", {
          experimentSlug: "my-exp",
        })

        expect(cost).toEqual({ bytesProcessed: 99, milliseconds: 5 })
        const jobs = inserts(fake.requests)
        expect(jobs).toHaveLength(2)
        for (const job of jobs) {
          expect(job.body).toMatchObject({
            configuration: {
              query: {
                destinationTable: { projectId, datasetId, tableId: "enrollments_my_exp" },
                writeDisposition: "WRITE_TRUNCATE",
              },
            },
          })
        }
        expect(fake.writes).toEqual([
          { datasetId, tableId: "enrollments_my_exp", jobId: jobIdOf(jobs[1]) },
        ])
        expect(fake.tables(datasetId)).toEqual([
          {
            tableId: "enrollments_my_exp",
            labels: { last_updated: expect.stringMatching(timestampLabel), experiment: "my-exp" },
          },
        ])
        expect(calls(fake.requests).filter((call) => call.startsWith("PATCH"))).toHaveLength(1)
      }),
  )

  it.scopedLive(
    "a transient getQueryResults failure of a running job reads again, with no new job",
    () =>
      Effect.gen(function* () {
        const fake = yield* fakeBigQuery
        const sql = "SELECT COUNT(*) AS n FROM metrics"
        fake.answer(sql, oneRow)
        fake.failNext({ kind: "jobs.getQueryResults", sql }, [
          { status: 502, reason: "badGateway" },
        ])
        const warehouse = yield* warehouseOn(fake)

        const result = yield* warehouse.query(sql, "metric count")

        expect(result.columns).toEqual([[42n]])
        // The jobs.get after the 502 finds the job still running: only the read is repeated.
        expect(calls(fake.requests)).toEqual([
          "POST jobs",
          "GET queries/*",
          "GET jobs/*",
          "GET queries/*",
          "GET jobs/*",
        ])
      }),
  )

  it.scopedLive("table calls that fail transiently are made again", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      fake.addTable(datasetId, "my_exp_week_1")
      fake.addTable(datasetId, "my_exp_week_2")
      fake.failNext({ kind: "tables.get", table: "my_exp_week_1" }, [
        { status: 503, reason: "backendError" },
      ])
      fake.failNext({ kind: "tables.list" }, [{ status: 429, reason: "rateLimitExceeded" }])
      fake.failNext({ kind: "tables.delete", table: "my_exp_week_2" }, [
        { status: 500, reason: "internalError" },
      ])
      const warehouse = yield* warehouseOn(fake)

      expect(yield* warehouse.tableExists("my_exp_week_1")).toBe(true)
      expect(yield* warehouse.deleteTables("my_exp_")).toEqual(["my_exp_week_1", "my_exp_week_2"])

      expect(fake.tables(datasetId)).toEqual([])
      expect(
        calls(fake.requests).filter((call) => call === "GET datasets/*/tables/*"),
      ).toHaveLength(2)
      expect(calls(fake.requests).filter((call) => call === "GET datasets/*/tables")).toHaveLength(
        2,
      )
      expect(calls(fake.requests).filter((call) => call.startsWith("DELETE"))).toHaveLength(3)
    }),
  )

  it.scopedLive("tables.patch after createTableAs is retried without running the job again", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      fake.answer("SELECT 1", {})
      fake.failNext({ kind: "tables.patch", table: "t" }, [{ status: 503, reason: "backendError" }])
      const warehouse = yield* warehouseOn(fake)

      yield* warehouse.createTableAs("t", "SELECT 1", "labelled table")

      expect(calls(fake.requests)).toEqual([
        "POST jobs",
        "GET queries/*",
        "GET jobs/*",
        "PATCH datasets/*/tables/*",
        "PATCH datasets/*/tables/*",
      ])
      expect(fake.tables(datasetId)[0]?.labels).toEqual({
        last_updated: expect.stringMatching(timestampLabel),
      })
    }),
  )

  it.scopedLive("400 invalidQuery fails at once, with the API's message unchanged", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      const sql = "SELEC 1"
      const message = "Syntax error: Unexpected identifier SELEC at [1:1]"
      fake.answer(sql, { error: { status: 400, reason: "invalidQuery", message, at: "insert" } })
      const warehouse = yield* warehouseOn(fake)
      const logged: Array<Logged> = []

      const error = yield* Effect.flip(warehouse.query(sql, "metric active_hours")).pipe(
        collectingLogs(logged),
      )

      expect(error).toBeInstanceOf(WarehouseError)
      expect(error.message).toBe(message)
      expect(error.purpose).toBe("metric active_hours")
      expect(error.sql).toBe(sql)
      expect(error.cause).toMatchObject({ code: 400, errors: [{ reason: "invalidQuery" }] })
      expect(calls(fake.requests)).toEqual(["POST jobs"])
      expect(warnings(logged)).toEqual([])
    }),
  )

  it.scopedLive("a job failing with invalidQuery, a 404 and a 403 accessDenied: one try each", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      const sql = "SELECT 1/0"
      fake.answer(sql, {
        error: { status: 400, reason: "invalidQuery", message: "division by zero: 1 / 0" },
      })
      fake.addTable(datasetId, "secret")
      fake.failNext({ kind: "tables.get", table: "secret" }, [
        { status: 403, reason: "accessDenied", message: "Access Denied: Table secret" },
      ])
      const warehouse = yield* warehouseOn(fake)

      const failedJob = yield* Effect.flip(warehouse.createTableAs("t", sql, "ratio table"))
      const missing = yield* Effect.flip(warehouse.columnTypes("absent"))
      const denied = yield* Effect.flip(warehouse.columnTypes("secret"))

      expect(failedJob.message).toBe("division by zero: 1 / 0")
      expect(missing.message).toContain("Not found: Table")
      expect(denied.message).toBe("Access Denied: Table secret")
      expect(calls(fake.requests)).toEqual([
        "POST jobs",
        "GET queries/*",
        "GET datasets/*/tables/*",
        "GET datasets/*/tables/*",
      ])
      expect(fake.tables(datasetId).map(({ tableId }) => tableId)).toEqual(["secret"])
    }),
  )

  it.scopedLive(
    "always 503: exactly maxAttempts requests (the client adds none), then a WarehouseError saying so",
    () =>
      Effect.gen(function* () {
        const fake = yield* fakeBigQuery
        const sql = "SELECT COUNT(*) AS n FROM daily"
        fake.failNext(
          { kind: "jobs.insert", sql },
          Array.from({ length: 20 }, () => ({
            status: 503,
            reason: "backendError",
            message: "The service is currently unavailable.",
          })),
        )
        const warehouse = yield* warehouseOn(fake, {
          retries: { maxAttempts: 4, baseDelay: "1 millis", maxDelay: "2 millis" },
        })
        const logged: Array<Logged> = []

        const error = yield* Effect.flip(warehouse.query(sql, "daily count")).pipe(
          collectingLogs(logged),
        )

        expect(inserts(fake.requests)).toHaveLength(4)
        expect(fake.requests).toHaveLength(4)
        expect(error).toBeInstanceOf(WarehouseError)
        expect(error.purpose).toBe("daily count")
        expect(error.sql).toBe(sql)
        expect(error.message).toBe(
          "transient failure (HTTP 503 backendError), gave up after 4 attempts: " +
            "The service is currently unavailable.",
        )
        expect(error.cause).toMatchObject({ code: 503, errors: [{ reason: "backendError" }] })
        expect(warnings(logged).map(({ annotations }) => annotations.attempt)).toEqual([1, 2, 3])
      }),
  )

  it.scopedLive("a job that always fails with backendError: maxAttempts jobs, then the error", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      const sql = "SELECT COUNT(*) AS n FROM weekly"
      fake.answer(sql, oneRow)
      fake.failNext(
        { kind: "job", sql },
        Array.from({ length: 3 }, () => ({
          status: 500,
          reason: "backendError",
          message: "Error encountered during execution. Retrying may solve the problem.",
        })),
      )
      const warehouse = yield* warehouseOn(fake, {
        retries: { maxAttempts: 3, baseDelay: "1 millis", maxDelay: "2 millis" },
      })

      const error = yield* Effect.flip(warehouse.query(sql, "weekly count"))

      expect(inserts(fake.requests)).toHaveLength(3)
      expect(error.message).toBe(
        "transient failure (backendError), gave up after 3 attempts: " +
          "Error encountered during execution. Retrying may solve the problem.",
      )
      expect(calls(fake.requests).filter((call) => call.endsWith("cancel"))).toEqual([])
    }),
  )

  it.scopedLive("the waits grow exponentially up to the cap, with full jitter", () =>
    Effect.gen(function* () {
      const always503 = (fake: FakeBigQuery) =>
        fake.failNext(
          { kind: "jobs.insert" },
          Array.from({ length: 6 }, () => ({ status: 503, reason: "backendError" })),
        )
      const retries = { maxAttempts: 6, baseDelay: "2 millis", maxDelay: "8 millis" } as const
      const waits = (logged: ReadonlyArray<Logged>) =>
        warnings(logged).map(({ annotations }) => annotations.delayMillis)

      // A random draw of 0.5 every time: each wait is half its bound, min(8, 2·2^(n−1)) ms.
      const fixedFake = yield* fakeBigQuery
      always503(fixedFake)
      const fixed = yield* warehouseOn(fixedFake, { retries })
      const halfway: Array<Logged> = []
      yield* Effect.flip(fixed.query("SELECT 1", "waits")).pipe(
        collectingLogs(halfway),
        Effect.withRandom(Random.fixed([0.5])),
      )
      expect(waits(halfway)).toEqual([1, 2, 4, 4, 4])

      // Seeded draws: every wait lies anywhere in [0, bound], not near the bound.
      const seededFake = yield* fakeBigQuery
      always503(seededFake)
      const seeded = yield* warehouseOn(seededFake, { retries })
      const jittered: Array<Logged> = []
      yield* Effect.flip(seeded.query("SELECT 1", "waits")).pipe(
        collectingLogs(jittered),
        Effect.withRandom(Random.make("slipstream")),
      )
      const bounds = [2, 4, 8, 8, 8]
      const drawn = waits(jittered)
      expect(drawn).toHaveLength(5)
      drawn.forEach((wait, index) => {
        expect(wait).toBeGreaterThanOrEqual(0)
        expect(wait).toBeLessThanOrEqual(bounds[index] ?? 0)
      })
      expect(new Set(drawn.map((wait, index) => Number(wait) / (bounds[index] ?? 1))).size).toBe(5)
    }),
  )

  it("defaults: 5 attempts, waits from 1 s, capped at 32 s", () => {
    expect(retryPolicy()).toEqual({
      maxAttempts: 5,
      baseDelay: Duration.seconds(1),
      maxDelay: Duration.seconds(32),
    })
    expect(retryPolicy({ maxAttempts: 0 }).maxAttempts).toBe(1)
  })

  it("classify: the reason decides before the status, network resets are transient", () => {
    const apiError = (code: number, reason: string) => ({ code, errors: [{ reason }] })
    expect(classify(apiError(403, "rateLimitExceeded"))).toEqual({
      transient: true,
      reason: "HTTP 403 rateLimitExceeded",
    })
    expect(classify(apiError(403, "accessDenied")).transient).toBe(false)
    expect(classify(apiError(404, "notFound")).transient).toBe(false)
    expect(classify(apiError(400, "invalidQuery")).transient).toBe(false)
    expect(classify(apiError(504, "timeout")).transient).toBe(true)
    expect(classify({ code: 429, errors: [] })).toEqual({ transient: true, reason: "HTTP 429" })
    expect(classify(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toEqual({
      transient: true,
      reason: "ECONNRESET",
    })
    expect(classify(new TypeError("boom"))).toEqual({ transient: false, reason: undefined })
  })
})
