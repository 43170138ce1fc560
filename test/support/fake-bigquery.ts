import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { Effect, type Scope } from "effect"
import { listenLocally } from "./local-server.js"

/**
 * A small stand-in for the BigQuery REST API (v2) on 127.0.0.1, for testing the real
 * `@google-cloud/bigquery` client through its `apiEndpoint` option: Google's API is the one
 * edge we cannot reach from here. It does not execute SQL — tests register a canned answer
 * per SQL text — and it records every request so tests can check what the client sent.
 * It serves what the warehouse uses: jobs.insert (query jobs, dry runs, destination
 * tables), jobs.getQueryResults, jobs.get, jobs.cancel, and tables list/get/patch/delete.
 * It can fail chosen requests, or make chosen jobs fail, a given number of times first
 * (`failNext`), to exercise retries.
 */
export interface FakeBigQuery {
  /** Pass as `apiEndpoint`: `http://127.0.0.1:<port>`. */
  readonly endpoint: string
  /** Every request the client sent, in arrival order. */
  readonly requests: ReadonlyArray<RecordedRequest>
  /** How the fake answers a query whose text equals `sql` (or satisfies it); later wins. */
  readonly answer: (sql: string | ((sql: string) => boolean), answer: CannedAnswer) => void
  /** Puts a table into a dataset, as if an earlier run had written it, with its schema. */
  readonly addTable: (
    datasetId: string,
    tableId: string,
    fields?: ReadonlyArray<CannedField>,
  ) => void
  /** The tables a dataset holds now, sorted, with their labels. */
  readonly tables: (datasetId: string) => ReadonlyArray<FakeTable>
  /**
   * The next requests that `match` fail with `failures`, one each, in order; after them the
   * fake answers as usual. With kind "job" the failures are jobs instead: jobs.insert accepts
   * the job, then it fails (getQueryResults answers with the error, jobs.get shows it as
   * `status.errorResult`) and writes no table. Queues are used in the order they were added.
   */
  readonly failNext: (match: FailureMatch, failures: ReadonlyArray<InjectedFailure>) => void
  /** Every destination-table write of a job that succeeded, in order. */
  readonly writes: ReadonlyArray<TableWrite>
}

/** The requests (or jobs) that `failNext` fails. */
export interface FailureMatch {
  readonly kind: RequestKind | "job"
  /** Only requests about a query job whose SQL equals this (or satisfies it). */
  readonly sql?: string | ((sql: string) => boolean)
  /** Only tables.get/patch/delete of this table. */
  readonly table?: string
}

export type RequestKind =
  | "jobs.insert"
  | "jobs.get"
  | "jobs.getQueryResults"
  | "jobs.cancel"
  | "tables.list"
  | "tables.get"
  | "tables.patch"
  | "tables.delete"

/** An error as the API sends it: HTTP status and reason; the message has a default. */
export interface InjectedFailure {
  readonly status: number
  readonly reason: string
  readonly message?: string
}

export interface TableWrite {
  readonly datasetId: string
  readonly tableId: string
  readonly jobId: string
}

export interface RecordedRequest {
  readonly method: string
  /** Without the query string: `/bigquery/v2/projects/p/jobs`. */
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** The parsed JSON body; undefined when there was none. */
  readonly body: unknown
}

export interface FakeTable {
  readonly tableId: string
  readonly labels: Readonly<Record<string, string>>
}

/** A cell value as the API sends it in `f[i].v`: strings for scalars, nested for arrays/records. */
export type WireValue =
  | string
  | null
  | ReadonlyArray<{ readonly v: WireValue }>
  | { readonly f: ReadonlyArray<{ readonly v: WireValue }> }

export interface CannedField {
  readonly name: string
  readonly type: string
  readonly mode?: "NULLABLE" | "REQUIRED" | "REPEATED"
  readonly fields?: ReadonlyArray<CannedField>
}

export interface CannedResult {
  readonly fields?: ReadonlyArray<CannedField>
  readonly rows?: ReadonlyArray<ReadonlyArray<WireValue>>
  /** Figures for the job's statistics (and a dry run's bytes). */
  readonly statistics?: {
    readonly bytesProcessed?: number
    readonly bytesBilled?: number
    readonly slotMilliseconds?: number
    readonly milliseconds?: number
  }
  /** Rows per getQueryResults page; all in one page when absent. */
  readonly pageSize?: number
  /** getQueryResults says `jobComplete: false` this many times first (Infinity: forever). */
  readonly pendingPolls?: number
}

/** An API error, at jobs.insert or (the default) when results are read. */
export interface CannedFailure {
  readonly error: {
    readonly status: number
    readonly reason: string
    readonly message: string
    readonly at?: "insert" | "results"
  }
}

export type CannedAnswer = CannedResult | CannedFailure

const isFailure = (answer: CannedAnswer): answer is CannedFailure => "error" in answer

interface FakeJob {
  readonly projectId: string
  readonly jobId: string
  readonly location: string
  readonly configuration: unknown
  readonly answer: CannedAnswer
  polls: number
  cancelled: boolean
}

const startTime = 1_700_000_000_000

/** Starts the fake on a free port; it stops when the scope closes. */
export const fakeBigQuery: Effect.Effect<FakeBigQuery, never, Scope.Scope> = Effect.gen(
  function* () {
    const requests: Array<RecordedRequest> = []
    const answers: Array<{ readonly matches: (sql: string) => boolean; answer: CannedAnswer }> = []
    const datasets = new Map<string, Map<string, Record<string, string>>>()
    const jobs = new Map<string, FakeJob>()
    const writes: Array<TableWrite> = []
    const injected: Array<{
      readonly match: FailureMatch
      readonly failures: Array<InjectedFailure>
    }> = []
    let jobCounter = 0

    /** The next injected failure for a request (or a job) of `kind`, used up as it is taken. */
    const takeFailure = (
      kind: RequestKind | "job",
      about: { readonly sql?: string; readonly table?: string },
    ): InjectedFailure | undefined => {
      const queue = injected.find(
        ({ match, failures }) =>
          failures.length > 0 &&
          match.kind === kind &&
          (match.sql === undefined ||
            (about.sql !== undefined &&
              (typeof match.sql === "string" ? match.sql === about.sql : match.sql(about.sql)))) &&
          (match.table === undefined || match.table === about.table),
      )
      return queue?.failures.shift()
    }

    const datasetTables = (datasetId: string): Map<string, Record<string, string>> => {
      const existing = datasets.get(datasetId)
      if (existing !== undefined) return existing
      const created = new Map<string, Record<string, string>>()
      datasets.set(datasetId, created)
      return created
    }

    /** Schemas of tables added with one, by `dataset.table`, for tables.get. */
    const schemas = new Map<string, ReadonlyArray<CannedField>>()

    const answerFor = (sql: string): CannedAnswer =>
      answers.findLast((candidate) => candidate.matches(sql))?.answer ?? {
        error: {
          status: 400,
          reason: "invalidQuery",
          message: `fake BigQuery has no answer for: ${sql}`,
          at: "insert",
        },
      }

    const handle = (request: RecordedRequest): Reply => {
      const parts = request.path
        .split("/")
        .filter((part) => part !== "")
        .map(decodeURIComponent)
      if (parts[0] !== "bigquery" || parts[1] !== "v2" || parts[2] !== "projects") {
        return noRoute(request)
      }
      const projectId = parts[3] ?? ""
      const rest = parts.slice(4)
      const route = `${request.method} ${rest.map((part, i) => (i % 2 === 0 ? part : "*")).join("/")}`
      const kind = requestKinds[route]
      if (kind !== undefined) {
        const failure = takeFailure(
          kind,
          kind.startsWith("jobs.")
            ? sqlOf(kind, request.body, jobs.get(rest[1] ?? ""))
            : { table: rest[3] ?? "" },
        )
        if (failure !== undefined) return injectedError(failure)
      }
      switch (route) {
        case "POST jobs":
          return insertJob(projectId, request.body)
        case "GET jobs/*":
          return withJob(rest[1], (job) => ok(jobResource(job)))
        case "POST jobs/*/cancel":
          return withJob(rest[1], (job) => {
            job.cancelled = true
            return ok({ kind: "bigquery#jobCancelResponse", job: jobResource(job) })
          })
        case "GET queries/*":
          return withJob(rest[1], (job) => queryResults(job, request.query))
        case "GET datasets/*/tables":
          return listTables(projectId, rest[1] ?? "")
        case "GET datasets/*/tables/*":
          return withTable(projectId, rest[1] ?? "", rest[3] ?? "", (labels) =>
            ok({
              ...tableResource(projectId, rest[1] ?? "", rest[3] ?? "", labels),
              schema: { fields: schemas.get(`${rest[1] ?? ""}.${rest[3] ?? ""}`) ?? [] },
            }),
          )
        case "PATCH datasets/*/tables/*":
          return withTable(projectId, rest[1] ?? "", rest[3] ?? "", (labels) => {
            patchLabels(labels, recordAt(request.body, "labels"))
            return ok(tableResource(projectId, rest[1] ?? "", rest[3] ?? "", labels))
          })
        case "DELETE datasets/*/tables/*":
          return withTable(projectId, rest[1] ?? "", rest[3] ?? "", () => {
            datasetTables(rest[1] ?? "").delete(rest[3] ?? "")
            return { status: 204 }
          })
        default:
          return noRoute(request)
      }
    }

    const insertJob = (projectId: string, body: unknown): Reply => {
      const configuration = recordAt(body, "configuration")
      const query = recordAt(configuration, "query")
      const sql = stringAt(query, "query") ?? ""
      const reference = recordAt(body, "jobReference")
      jobCounter += 1
      const jobFailure = configuration.dryRun === true ? undefined : takeFailure("job", { sql })
      const job: FakeJob = {
        projectId,
        jobId: stringAt(reference, "jobId") ?? `fake-job-${jobCounter}`,
        location: stringAt(reference, "location") ?? "US",
        configuration,
        answer:
          jobFailure === undefined
            ? answerFor(sql)
            : {
                error: {
                  status: jobFailure.status,
                  reason: jobFailure.reason,
                  message: jobFailure.message ?? defaultMessage(jobFailure),
                  at: "results",
                },
              },
        polls: 0,
        cancelled: false,
      }
      if (isFailure(job.answer) && job.answer.error.at === "insert") {
        return apiError(job.answer.error.status, job.answer.error.reason, job.answer.error.message)
      }
      if (configuration.dryRun === true) {
        return ok({ ...jobResource(job), status: { state: "DONE" } })
      }
      jobs.set(job.jobId, job)
      const destination = recordAt(query, "destinationTable")
      const datasetId = stringAt(destination, "datasetId")
      const tableId = stringAt(destination, "tableId")
      if (!isFailure(job.answer) && datasetId !== undefined && tableId !== undefined) {
        const tables = datasetTables(datasetId)
        tables.set(tableId, tables.get(tableId) ?? {})
        writes.push({ datasetId, tableId, jobId: job.jobId })
      }
      return ok({ ...jobResource(job), status: { state: "RUNNING" } })
    }

    const withJob = (jobId: string | undefined, then: (job: FakeJob) => Reply): Reply => {
      const job = jobs.get(jobId ?? "")
      return job === undefined
        ? apiError(404, "notFound", `Not found: Job ${jobId ?? ""}`)
        : then(job)
    }

    const withTable = (
      projectId: string,
      datasetId: string,
      tableId: string,
      then: (labels: Record<string, string>) => Reply,
    ): Reply => {
      const labels = datasetTables(datasetId).get(tableId)
      return labels === undefined
        ? apiError(404, "notFound", `Not found: Table ${projectId}:${datasetId}.${tableId}`)
        : then(labels)
    }

    const listTables = (projectId: string, datasetId: string): Reply => {
      const tableIds = [...datasetTables(datasetId).keys()].sort()
      return ok({
        kind: "bigquery#tableList",
        tables: tableIds.map((tableId) => ({
          kind: "bigquery#table",
          id: `${projectId}:${datasetId}.${tableId}`,
          tableReference: { projectId, datasetId, tableId },
          type: "TABLE",
        })),
        totalItems: tableIds.length,
      })
    }

    const server = createServer((incoming, outgoing) => {
      void readRequest(incoming).then((request) => {
        requests.push(request)
        send(outgoing, handle(request))
      })
    })
    const endpoint = yield* listenLocally(server)

    return {
      endpoint,
      requests,
      answer: (sql, answer) => {
        answers.push({
          matches: typeof sql === "string" ? (text) => text === sql : sql,
          answer,
        })
      },
      addTable: (datasetId, tableId, fields) => {
        datasetTables(datasetId).set(tableId, {})
        if (fields !== undefined) schemas.set(`${datasetId}.${tableId}`, fields)
      },
      tables: (datasetId) =>
        [...datasetTables(datasetId).entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([tableId, labels]) => ({ tableId, labels: { ...labels } })),
      failNext: (match, failures) => {
        injected.push({ match, failures: [...failures] })
      },
      writes,
    }
  },
)

interface Reply {
  readonly status: number
  readonly body?: unknown
}

const ok = (body: unknown): Reply => ({ status: 200, body })

/** The error body Google's APIs send; the client builds its ApiError message from it. */
const apiError = (status: number, reason: string, message: string): Reply => ({
  status,
  body: {
    error: {
      code: status,
      message,
      errors: [{ message, domain: "global", reason }],
      status: rpcStatuses[status] ?? "UNKNOWN",
    },
  },
})

/** google.rpc.Code names, as Google's JSON errors spell them beside the HTTP status. */
const rpcStatuses: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
}

const injectedError = (failure: InjectedFailure): Reply =>
  apiError(failure.status, failure.reason, failure.message ?? defaultMessage(failure))

const defaultMessage = (failure: InjectedFailure): string =>
  `fake BigQuery failed on purpose: ${failure.reason} (HTTP ${failure.status})`

/** Which request a route is, for `failNext`. */
const requestKinds: Readonly<Record<string, RequestKind>> = {
  "POST jobs": "jobs.insert",
  "GET jobs/*": "jobs.get",
  "POST jobs/*/cancel": "jobs.cancel",
  "GET queries/*": "jobs.getQueryResults",
  "GET datasets/*/tables": "tables.list",
  "GET datasets/*/tables/*": "tables.get",
  "PATCH datasets/*/tables/*": "tables.patch",
  "DELETE datasets/*/tables/*": "tables.delete",
}

/** The SQL a request is about: the inserted job's, or that of the job it names. */
const sqlOf = (
  kind: RequestKind,
  body: unknown,
  job: FakeJob | undefined,
): { readonly sql?: string } => {
  const configuration =
    kind === "jobs.insert" ? recordAt(body, "configuration") : job?.configuration
  const sql = stringAt(recordAt(configuration, "query"), "query")
  return sql === undefined ? {} : { sql }
}

/**
 * 400, not 5xx: a missing route is a gap in the fake, and the warehouse must not retry it
 * with back-off and slow the test down.
 */
const noRoute = (request: RecordedRequest): Reply =>
  apiError(400, "invalid", `fake BigQuery has no route for ${request.method} ${request.path}`)

const jobResource = (job: FakeJob): Record<string, unknown> => {
  const done = !job.cancelled && job.polls >= pendingPolls(job.answer)
  const failure = isFailure(job.answer) ? job.answer.error : undefined
  return {
    kind: "bigquery#job",
    id: `${job.projectId}:${job.location}.${job.jobId}`,
    jobReference: { projectId: job.projectId, jobId: job.jobId, location: job.location },
    configuration: job.configuration,
    status:
      failure === undefined
        ? { state: done ? "DONE" : "RUNNING" }
        : {
            state: "DONE",
            errorResult: { reason: failure.reason, message: failure.message },
          },
    statistics: statisticsOf(job.answer),
  }
}

const pendingPolls = (answer: CannedAnswer): number =>
  isFailure(answer) ? 0 : (answer.pendingPolls ?? 0)

/** Job statistics as the API spells them: int64 figures as decimal strings, times in ms. */
const statisticsOf = (answer: CannedAnswer): Record<string, unknown> => {
  const figures = isFailure(answer) ? {} : (answer.statistics ?? {})
  const asString = (value: number | undefined) => (value === undefined ? undefined : String(value))
  const query = {
    totalBytesProcessed: asString(figures.bytesProcessed),
    totalBytesBilled: asString(figures.bytesBilled),
    totalSlotMs: asString(figures.slotMilliseconds),
    statementType: "SELECT",
  }
  return {
    creationTime: String(startTime),
    startTime: String(startTime),
    ...(figures.milliseconds === undefined
      ? {}
      : { endTime: String(startTime + figures.milliseconds) }),
    totalBytesProcessed: query.totalBytesProcessed,
    totalSlotMs: query.totalSlotMs,
    query,
  }
}

const queryResults = (job: FakeJob, query: Readonly<Record<string, string>>): Reply => {
  const answer = job.answer
  if (isFailure(answer)) {
    return apiError(answer.error.status, answer.error.reason, answer.error.message)
  }
  const reference = { projectId: job.projectId, jobId: job.jobId, location: job.location }
  if (job.polls < pendingPolls(answer)) {
    job.polls += 1
    return ok({
      kind: "bigquery#getQueryResultsResponse",
      jobReference: reference,
      jobComplete: false,
    })
  }
  const rows = answer.rows ?? []
  const start = Number(query.pageToken ?? "0")
  const limit = Math.min(
    answer.pageSize ?? rows.length,
    query.maxResults === undefined ? rows.length : Number(query.maxResults),
  )
  const page = rows.slice(start, start + limit)
  const next = start + limit
  return ok({
    kind: "bigquery#getQueryResultsResponse",
    jobReference: reference,
    jobComplete: true,
    schema: { fields: answer.fields ?? [] },
    ...(page.length === 0 ? {} : { rows: page.map((row) => ({ f: row.map((v) => ({ v })) })) }),
    ...(limit > 0 && next < rows.length ? { pageToken: String(next) } : {}),
    totalRows: String(rows.length),
    totalBytesProcessed: String(answer.statistics?.bytesProcessed ?? 0),
    cacheHit: false,
  })
}

/** tables.patch semantics for labels: given keys are set, null values removed. */
const patchLabels = (
  labels: Record<string, string>,
  patch: Readonly<Record<string, unknown>>,
): void => {
  for (const [key, value] of Object.entries(patch)) {
    if (typeof value === "string") labels[key] = value
    else delete labels[key]
  }
}

const tableResource = (
  projectId: string,
  datasetId: string,
  tableId: string,
  labels: Readonly<Record<string, string>>,
): Record<string, unknown> => ({
  kind: "bigquery#table",
  id: `${projectId}:${datasetId}.${tableId}`,
  tableReference: { projectId, datasetId, tableId },
  labels,
  type: "TABLE",
})

const readRequest = (incoming: IncomingMessage): Promise<RecordedRequest> =>
  new Promise((resolve) => {
    const chunks: Array<Buffer> = []
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
    incoming.on("end", () => {
      const url = new URL(incoming.url ?? "/", "http://fake")
      const text = Buffer.concat(chunks).toString("utf8")
      resolve({
        method: incoming.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: text === "" ? undefined : parseJson(text),
      })
    })
  })

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

const send = (outgoing: ServerResponse, reply: Reply): void => {
  if (reply.body === undefined) {
    outgoing.writeHead(reply.status).end()
    return
  }
  outgoing
    .writeHead(reply.status, { "content-type": "application/json; charset=UTF-8" })
    .end(JSON.stringify(reply.body))
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
