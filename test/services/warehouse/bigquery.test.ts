import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, HashMap, Logger, LogLevel, Schedule } from "effect"
import type { BigQuerySettings } from "../../../src/services/warehouse/bigquery.js"
import { Warehouse, WarehouseError } from "../../../src/services/warehouse/warehouse.js"
import {
  type FakeBigQuery,
  fakeBigQuery,
  type RecordedRequest,
} from "../../support/fake-bigquery.js"

/*
 * The client looks for Google credentials before every request, even with a custom
 * endpoint, and goes on unauthenticated when there are none; this spares it pinging the
 * GCE metadata server (and printing a warning) along the way.
 */
process.env.METADATA_SERVER_DETECTION = "none"

const projectId = "moz-fx-test"
const datasetId = "analysis"
const api = `/bigquery/v2/projects/${projectId}`

/** The real client against the fake; each test gets its own fake and Layer. */
const warehouseOn = (fake: FakeBigQuery, extra: Partial<BigQuerySettings> = {}) =>
  Effect.provide(
    Warehouse,
    Warehouse.bigQuery({ projectId, datasetId, apiEndpoint: fake.endpoint, ...extra }),
  )

/** What the client called, in order, without the query string: "POST jobs", "GET queries/*". */
const calls = (requests: ReadonlyArray<RecordedRequest>): ReadonlyArray<string> =>
  requests.map(
    (request) =>
      `${request.method} ${request.path
        .slice(api.length + 1)
        .split("/")
        .map((part, index) => (index % 2 === 1 && part !== "cancel" ? "*" : part))
        .join("/")}`,
  )

const only = (requests: ReadonlyArray<RecordedRequest>, method: string, path: RegExp) =>
  requests.filter((request) => request.method === method && path.test(request.path))

const labelSafe = /^[a-z0-9_-]{0,63}$/

describe("Warehouse.bigQuery", () => {
  it.scoped("query reads the canned rows into columns, INT64 as bigint", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      const sql = "SELECT branch, n, mean, ok, at FROM enrollments"
      fake.answer(sql, {
        fields: [
          { name: "branch", type: "STRING" },
          { name: "n", type: "INT64" },
          { name: "mean", type: "FLOAT64" },
          { name: "ok", type: "BOOL" },
          { name: "at", type: "TIMESTAMP" },
        ],
        rows: [
          ["control", "9007199254740993", "0.25", "true", "1700000000000000"],
          ["treatment", "12", null, "false", null],
        ],
      })
      const warehouse = yield* warehouseOn(fake)

      const result = yield* warehouse.query(sql, "branch counts")

      expect(warehouse.dialect).toBe("bigquery")
      expect(result.columnNames).toEqual(["branch", "n", "mean", "ok", "at"])
      expect(result.columns).toEqual([
        ["control", "treatment"],
        [9007199254740993n, 12n],
        [0.25, null],
        [true, false],
        [new Date(1_700_000_000_000), null],
      ])
      expect(calls(fake.requests)).toEqual(["POST jobs", "GET queries/*", "GET jobs/*"])
      const [insert] = only(fake.requests, "POST", /\/jobs$/)
      const doubles = yield* warehouse.queryDoubles(sql, "branch counts as doubles")
      expect(doubles.map((column) => [...column])).toEqual([
        [Number.NaN, Number.NaN],
        [9007199254740992, 12],
        [0.25, Number.NaN],
        [Number.NaN, Number.NaN],
        [Number.NaN, Number.NaN],
      ])
      expect(insert?.body).toMatchObject({
        configuration: {
          query: {
            query: sql,
            useLegacySql: false,
            defaultDataset: { projectId, datasetId },
          },
        },
        jobReference: { projectId },
      })
    }),
  )

  it.scoped("query waits for the job and reads every page", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      fake.answer((sql) => sql.startsWith("SELECT day"), {
        fields: [
          { name: "day", type: "DATE" },
          { name: "tags", type: "STRING", mode: "REPEATED" },
          {
            name: "pair",
            type: "RECORD",
            fields: [
              { name: "a", type: "INT64" },
              { name: "b", type: "STRING" },
            ],
          },
        ],
        rows: [1, 2, 3, 4, 5].map((day) => [
          `2024-01-0${day}`,
          [{ v: "x" }, { v: String(day) }],
          { f: [{ v: String(day) }, { v: null }] },
        ]),
        pageSize: 2,
        pendingPolls: 2,
      })
      const warehouse = yield* warehouseOn(fake)

      const result = yield* warehouse.query("SELECT day, tags, pair FROM daily", "daily rows")

      expect(result.columns[0]).toEqual([
        "2024-01-01",
        "2024-01-02",
        "2024-01-03",
        "2024-01-04",
        "2024-01-05",
      ])
      expect(result.columns[1]?.[4]).toEqual(["x", "5"])
      expect(result.columns[2]?.[2]).toEqual({ a: 3n, b: null })
      expect(calls(fake.requests)).toEqual([
        "POST jobs",
        "GET queries/*",
        "GET queries/*",
        "GET queries/*",
        "GET queries/*",
        "GET queries/*",
        "GET jobs/*",
      ])
      expect(
        only(fake.requests, "GET", /\/queries\//).map((request) => request.query.pageToken),
      ).toEqual([undefined, undefined, undefined, "2", "4"])
    }),
  )

  it.scoped(
    "cost comes from the job statistics and is logged (at debug level) with the purpose",
    () =>
      Effect.gen(function* () {
        const fake = yield* fakeBigQuery
        fake.answer("SELECT 1", {
          fields: [{ name: "x", type: "INT64" }],
          rows: [["1"]],
          statistics: {
            bytesProcessed: 1234,
            bytesBilled: 10_485_760,
            slotMilliseconds: 77,
            milliseconds: 420,
          },
        })
        const logged: Array<{ message: unknown; annotations: Record<string, unknown> }> = []
        const capture = Logger.make(({ message, annotations }) => {
          logged.push({ message, annotations: Object.fromEntries(HashMap.toEntries(annotations)) })
        })
        const warehouse = yield* warehouseOn(fake)

        const result = yield* warehouse
          .query("SELECT 1", "one row")
          .pipe(
            Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
            Logger.withMinimumLogLevel(LogLevel.Debug),
          )

        expect(result.cost).toEqual({
          bytesProcessed: 1234,
          bytesBilled: 10_485_760,
          slotMilliseconds: 77,
          milliseconds: 420,
        })
        expect(logged).toHaveLength(1)
        expect(logged[0]?.annotations).toEqual({
          purpose: "one row",
          bytesProcessed: 1234,
          bytesBilled: 10_485_760,
          slotMilliseconds: 77,
          milliseconds: 420,
        })
      }),
  )

  it.scoped(
    "createTableAs writes one truncating job into project.dataset.table, then labels it",
    () =>
      Effect.gen(function* () {
        const fake = yield* fakeBigQuery
        const sql = "SELECT client_id, branch FROM raw"
        fake.answer(sql, { statistics: { bytesProcessed: 99, milliseconds: 5 } })
        const warehouse = yield* warehouseOn(fake, { labels: { owner: "slipstream" } })

        const cost = yield* warehouse.createTableAs("enrollments_my_exp", sql, "enrollments", {
          experimentSlug: "my-exp",
        })

        expect(cost).toEqual({ bytesProcessed: 99, milliseconds: 5 })
        expect(calls(fake.requests)).toEqual([
          "POST jobs",
          "GET queries/*",
          "GET jobs/*",
          "PATCH datasets/*/tables/*",
        ])
        const [insert] = only(fake.requests, "POST", /\/jobs$/)
        expect(insert?.body).toMatchObject({
          configuration: {
            query: {
              query: sql,
              destinationTable: { projectId, datasetId, tableId: "enrollments_my_exp" },
              writeDisposition: "WRITE_TRUNCATE",
              createDisposition: "CREATE_IF_NEEDED",
              defaultDataset: { projectId, datasetId },
            },
            labels: { owner: "slipstream", experiment: "my-exp" },
          },
        })
        const [results] = only(fake.requests, "GET", /\/queries\//)
        expect(results?.query.maxResults).toBe("0")
        const [patch] = only(fake.requests, "PATCH", /\/tables\//)
        expect(patch?.path).toBe(`${api}/datasets/${datasetId}/tables/enrollments_my_exp`)
        expect(patch?.body).toEqual({
          labels: { last_updated: "1970-01-01t00-00-00", experiment: "my-exp" },
        })
        expect(fake.tables(datasetId)).toEqual([
          {
            tableId: "enrollments_my_exp",
            labels: { last_updated: "1970-01-01t00-00-00", experiment: "my-exp" },
          },
        ])
      }),
  )

  it.scoped("labels are label-safe for hostile and overlong slugs", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      fake.answer(() => true, {})
      const warehouse = yield* warehouseOn(fake)

      yield* warehouse.createTableAs("t1", "SELECT 1", "hostile", {
        experimentSlug: "A Slug/With..Stuff",
      })
      yield* warehouse.createTableAs("t2", "SELECT 2", "long", { experimentSlug: "x".repeat(100) })

      const labels = fake.tables(datasetId).map((table) => table.labels)
      expect(labels[0]).toEqual({
        last_updated: "1970-01-01t00-00-00",
        experiment: "a_slug_with_stuff",
      })
      expect(labels[1]?.experiment).toBe("x".repeat(63))
      const jobLabels = only(fake.requests, "POST", /\/jobs$/).map((request) => request.body)
      expect(jobLabels[0]).toMatchObject({
        configuration: { labels: { experiment: "a_slug_with_stuff" } },
      })
      for (const value of labels.flatMap((label) => Object.values(label))) {
        expect(value).toMatch(labelSafe)
      }
    }),
  )

  it.scoped("tableExists is true for a table the dataset holds and false on 404", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      fake.addTable(datasetId, "present")
      const warehouse = yield* warehouseOn(fake)

      expect(yield* warehouse.tableExists("present")).toBe(true)
      expect(yield* warehouse.tableExists("absent")).toBe(false)
      expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        `GET ${api}/datasets/${datasetId}/tables/present`,
        `GET ${api}/datasets/${datasetId}/tables/absent`,
      ])
    }),
  )

  it.scoped("columnTypes reads a table's schema: which metric columns are booleans", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      // tables.get answers with the legacy type names (BOOLEAN, FLOAT, INTEGER).
      fake.addTable(datasetId, "my_exp_enrollments_week_1", [
        { name: "analysis_id", type: "STRING" },
        { name: "branch", type: "STRING" },
        { name: "analysis_window_start", type: "INTEGER" },
        { name: "active_hours", type: "FLOAT" },
        { name: "searched", type: "BOOLEAN" },
      ])
      const warehouse = yield* warehouseOn(fake)

      expect([...(yield* warehouse.columnTypes("my_exp_enrollments_week_1"))]).toEqual([
        ["analysis_id", "STRING"],
        ["branch", "STRING"],
        ["analysis_window_start", "INTEGER"],
        ["active_hours", "FLOAT"],
        ["searched", "BOOLEAN"],
      ])
      const missing = yield* Effect.flip(warehouse.columnTypes("absent"))
      expect(missing._tag).toBe("WarehouseError")
      expect(missing.message).toContain("Not found: Table")
    }),
  )

  it.scoped("deleteTables deletes only the tables starting with the prefix", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      for (const table of [
        "my_exp_enrollments",
        "my_exp_week_1",
        "other_exp_week_1",
        "statistics_my_exp_week_1",
      ]) {
        fake.addTable(datasetId, table)
      }
      const warehouse = yield* warehouseOn(fake)

      const deleted = yield* warehouse.deleteTables("my_exp_")

      expect(deleted).toEqual(["my_exp_enrollments", "my_exp_week_1"])
      expect(fake.tables(datasetId).map((table) => table.tableId)).toEqual([
        "other_exp_week_1",
        "statistics_my_exp_week_1",
      ])
      expect(calls(fake.requests)).toEqual([
        "GET datasets/*/tables",
        "DELETE datasets/*/tables/*",
        "DELETE datasets/*/tables/*",
      ])
      expect(
        only(fake.requests, "DELETE", /./)
          .map((request) => request.path)
          .sort(),
      ).toEqual([
        `${api}/datasets/${datasetId}/tables/my_exp_enrollments`,
        `${api}/datasets/${datasetId}/tables/my_exp_week_1`,
      ])
    }),
  )

  it.scoped("deleteTables refuses an empty prefix without calling the API", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      fake.addTable(datasetId, "keep")
      const warehouse = yield* warehouseOn(fake)

      const error = yield* Effect.flip(warehouse.deleteTables(""))

      expect(error).toBeInstanceOf(WarehouseError)
      expect(fake.requests).toEqual([])
    }),
  )

  it.scoped("dryRun sends a dry-run job and returns the bytes it would process", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      const sql = "SELECT * FROM events"
      fake.answer(sql, { statistics: { bytesProcessed: 5_000_000 } })
      const warehouse = yield* warehouseOn(fake)

      const cost = yield* warehouse.dryRun(sql, "dry run of events")

      expect(cost.bytesProcessed).toBe(5_000_000)
      expect(calls(fake.requests)).toEqual(["POST jobs"])
      expect(fake.requests[0]?.body).toMatchObject({
        configuration: { dryRun: true, query: { query: sql } },
      })
    }),
  )

  it.scoped(
    "an API error at job insert becomes a WarehouseError with purpose, SQL and message",
    () =>
      Effect.gen(function* () {
        const fake = yield* fakeBigQuery
        const sql = "SELEC 1"
        fake.answer(sql, {
          error: {
            status: 400,
            reason: "invalidQuery",
            message: "Syntax error: Unexpected identifier SELEC at [1:1]",
            at: "insert",
          },
        })
        const warehouse = yield* warehouseOn(fake)

        const error = yield* Effect.flip(warehouse.query(sql, "metric active_hours"))

        expect(error).toBeInstanceOf(WarehouseError)
        expect(error.purpose).toBe("metric active_hours")
        expect(error.sql).toBe(sql)
        expect(error.message).toContain("Syntax error: Unexpected identifier SELEC at [1:1]")
        expect(calls(fake.requests)).toEqual(["POST jobs"])
      }),
  )

  it.scoped("a job that fails while running becomes a WarehouseError too", () =>
    Effect.gen(function* () {
      const fake = yield* fakeBigQuery
      const sql = "SELECT 1/0"
      fake.answer(sql, {
        error: { status: 400, reason: "invalidQuery", message: "division by zero: 1 / 0" },
      })
      const warehouse = yield* warehouseOn(fake)

      const error = yield* Effect.flip(warehouse.createTableAs("t", sql, "ratio table"))

      expect(error.purpose).toBe("ratio table")
      expect(error.message).toContain("division by zero: 1 / 0")
      expect(fake.tables(datasetId)).toEqual([])
    }),
  )

  it.live("interrupting a query cancels its BigQuery job", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const fake = yield* fakeBigQuery
        fake.answer("SELECT slow", { pendingPolls: Number.POSITIVE_INFINITY })
        const warehouse = yield* warehouseOn(fake)

        const fiber = yield* Effect.fork(warehouse.query("SELECT slow", "slow query"))
        yield* Effect.sync(() => only(fake.requests, "GET", /\/queries\//).length).pipe(
          Effect.repeat({
            schedule: Schedule.spaced("5 millis"),
            until: (polls) => polls > 0,
          }),
          Effect.timeout("1 second"),
        )
        yield* Fiber.interrupt(fiber)

        const [insert] = only(fake.requests, "POST", /\/jobs$/)
        const cancels = only(fake.requests, "POST", /\/cancel$/)
        expect(cancels).toHaveLength(1)
        expect(cancels[0]?.path).toContain(
          `/jobs/${insert?.body !== undefined ? jobIdOf(insert.body) : "?"}/cancel`,
        )
      }),
    ),
  )
})

const jobIdOf = (body: unknown): string => {
  if (typeof body !== "object" || body === null || !("jobReference" in body)) return ""
  const reference = body.jobReference
  if (typeof reference !== "object" || reference === null || !("jobId" in reference)) return ""
  return typeof reference.jobId === "string" ? reference.jobId : ""
}
