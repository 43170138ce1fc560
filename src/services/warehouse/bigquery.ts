import {
  BigQuery,
  type Dataset,
  type Job,
  type Query,
  type QueryResultsOptions,
  type QueryRowsResponse,
} from "@google-cloud/bigquery"
import { Clock, Duration, Effect } from "effect"
import {
  type BigQueryFailure,
  type BigQueryRetrySettings,
  bigQueryFailure,
  classify,
  isTransientReason,
  type RetryPolicy,
  retryPolicy,
  retryTransient,
} from "./bigquery-retry.js"
import { type CostTally, makeCostTally } from "./cost-totals.js"
import { WarehouseError } from "./error.js"
import { doublesThroughQuery } from "./query-doubles.js"
import type { QueryCost, QueryResult, Warehouse } from "./warehouse.js"

/** Where the BigQuery engine writes and whom it bills. */
export interface BigQuerySettings {
  readonly projectId: string
  /** The dataset that holds every table the pipeline writes; bare table names resolve here. */
  readonly datasetId: string
  /** Another API host (a local fake in tests); Google's own when absent. */
  readonly apiEndpoint?: string
  /** Where jobs run, when the API cannot infer it from the datasets a query reads. */
  readonly location?: string
  /** Labels on every job, so billing reports can attribute the pipeline's cost. */
  readonly labels?: Readonly<Record<string, string>>
  /** How transient failures are retried (default: 5 attempts, waits from 1 s up to 32 s). */
  readonly retries?: BigQueryRetrySettings
}

/**
 * The BigQuery engine, through the official client. Every query is a job (not the
 * jobs.query shortcut) so that its final statistics — bytes, slot-ms, duration — can be
 * read back and logged; results are read page by page straight into columns. INT64 comes
 * back as bigint, FLOAT64/NUMERIC/BIGNUMERIC as number, BOOL as boolean, TIMESTAMP as Date,
 * REPEATED as arrays, RECORD as objects, and every other scalar (STRING, DATE, DATETIME,
 * TIME, BYTES as base64, JSON) as the string the API sent.
 *
 * Transient failures (5xx, 429, backendError, internalError, rateLimitExceeded,
 * jobRateLimitExceeded; see bigquery-retry.ts) are retried with exponential backoff and full
 * jitter, `settings.retries.maxAttempts` times at most: a failed API call is made again, a
 * query job that failed is run again as a new job (for a destination table that is safe,
 * since the job truncates what it writes). Other failures fail at once.
 */
export const makeBigQueryWarehouse = (
  settings: BigQuerySettings,
): Effect.Effect<Warehouse["Type"]> =>
  Effect.map(makeCostTally, (tally) =>
    makeWarehouse(
      new BigQuery({
        projectId: settings.projectId,
        ...(settings.apiEndpoint === undefined ? {} : { apiEndpoint: settings.apiEndpoint }),
        ...(settings.location === undefined ? {} : { location: settings.location }),
        /*
         * The client's own retries are off. It would retry each HTTP call on 408/429/5xx
         * (3 more times, waits of 2^n s plus up to 1 s, up to 10 minutes in all) unseen and
         * unlogged, and under ours that multiplies the attempts. It cannot help a job that
         * failed (reading a failed job's results again fails the same way: only a new job
         * can succeed) and does not know jobRateLimitExceeded or backendError sent as a 4xx.
         * One policy of ours, on both, keeps attempts bounded, logged and testable.
         */
        retryOptions: { autoRetry: false },
      }),
      settings,
      tally,
    ),
  )

const makeWarehouse = (
  client: BigQuery,
  settings: BigQuerySettings,
  tally: CostTally,
): Warehouse["Type"] => {
  const dataset = client.dataset(settings.datasetId)
  const retries = retryPolicy(settings.retries)
  const jobLabels = settings.labels ?? {}
  /** Bare table names in the SQL resolve in the configured dataset, as the interface promises. */
  const defaultDataset = { projectId: settings.projectId, datasetId: settings.datasetId }

  const query = (sql: string, purpose: string): Effect.Effect<QueryResult, WarehouseError> =>
    runJob(
      client,
      retries,
      { query: sql, defaultDataset, ...labelled(jobLabels) },
      purpose,
      "rows",
    ).pipe(
      Effect.tap(({ cost }) => tally.add(cost)),
      Effect.map(
        ({ table, cost }): QueryResult => ({
          columnNames: table.columnNames,
          columns: table.columns,
          cost,
        }),
      ),
    )

  return {
    dialect: "bigquery",

    query,

    queryDoubles: doublesThroughQuery(query),

    createTableAs: (table, sql, purpose, options) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const experiment =
          options?.experimentSlug === undefined
            ? {}
            : { experiment: labelValue(options.experimentSlug) }
        const { cost } = yield* runJob(
          client,
          retries,
          {
            query: sql,
            defaultDataset,
            destination: dataset.table(table),
            writeDisposition: "WRITE_TRUNCATE",
            createDisposition: "CREATE_IF_NEEDED",
            ...labelled({ ...jobLabels, ...experiment }),
          },
          purpose,
          "completion",
        )
        yield* tally.add(cost)
        /*
         * Query jobs cannot carry table labels (only load jobs have destinationTableProperties),
         * so they follow in a patch. The write itself is the single job above: an
         * interruption between the two leaves a complete table with stale labels, never a
         * half-written one.
         */
        yield* call(retries, purpose, sql, () =>
          dataset.table(table).setMetadata({
            labels: { last_updated: timestampLabel(now), ...experiment },
          }),
        )
        return cost
      }),

    tableExists: (table) =>
      call(retries, `check whether table ${table} exists`, undefined, () =>
        dataset.table(table).exists(),
      ).pipe(Effect.map(([exists]) => exists)),

    columnTypes: (table) =>
      call(retries, `columns of ${table}`, undefined, () =>
        dataset.table(table).getMetadata(),
      ).pipe(
        Effect.map(
          ([metadata]) =>
            new Map(fieldsOf(recordAt(metadata, "schema")).map(({ name, type }) => [name, type])),
        ),
      ),

    listTables: (prefix) =>
      listTables(dataset, retries, prefix, `list tables starting with "${prefix}"`),

    costTotals: tally.read,

    qualifiedName: (table) => `${settings.projectId}.${settings.datasetId}.${table}`,

    deleteTables: (prefix) => deleteTables(dataset, retries, prefix),

    dryRun: (sql, purpose) =>
      Effect.gen(function* () {
        const [elapsed, [job]] = yield* Effect.timed(
          call(retries, purpose, sql, () =>
            client.createQueryJob({
              query: sql,
              defaultDataset,
              dryRun: true,
              ...labelled(jobLabels),
            }),
          ),
        )
        const cost = costOf(job.metadata, Duration.toMillis(elapsed))
        yield* logCost("dry run", purpose, cost)
        return cost
      }),
  }
}

/** Query results as columns, in the order of the result schema. */
interface ColumnTable {
  readonly columnNames: ReadonlyArray<string>
  readonly columns: ReadonlyArray<ReadonlyArray<unknown>>
}

/**
 * Runs a query job to its end. `wanted` says whether the rows matter ("rows") or only that
 * the job finished ("completion", for jobs that write a destination table). Each API call is
 * retried while it fails transiently; a job that fails transiently is run again as a new job
 * (a new job id each time). A run that is interrupted cancels its job, since BigQuery would
 * otherwise keep running (and billing) it.
 */
const runJob = (
  client: BigQuery,
  policy: RetryPolicy,
  options: Query & { readonly query: string },
  purpose: string,
  wanted: "rows" | "completion",
): Effect.Effect<{ readonly table: ColumnTable; readonly cost: QueryCost }, WarehouseError> =>
  runJobOnce(client, policy, options, purpose, wanted).pipe(
    retryTransient(policy, "job", purpose),
    Effect.mapError(toWarehouseError(purpose, options.query)),
  )

/** One job, from insert to its statistics. */
const runJobOnce = (
  client: BigQuery,
  policy: RetryPolicy,
  options: Query & { readonly query: string },
  purpose: string,
  wanted: "rows" | "completion",
): Effect.Effect<{ readonly table: ColumnTable; readonly cost: QueryCost }, BigQueryFailure> =>
  Effect.gen(function* () {
    const started = yield* Clock.currentTimeMillis
    const [job] = yield* retried(policy, purpose, () => client.createQueryJob(options))
    const cancel = Effect.tryPromise(() => job.cancel()).pipe(Effect.ignore)
    const table = yield* readResults(job, policy, purpose, wanted).pipe(
      Effect.onInterrupt(() => cancel),
      // Giving up on a job that may still be running: stop it rather than pay for it.
      Effect.tapError((failure) =>
        failure.scope === "request" && failure.transient ? cancel : Effect.void,
      ),
    )
    const [metadata] = yield* retried(policy, purpose, () => job.getMetadata())
    const failure = jobFailure(metadata, undefined)
    if (failure !== undefined) {
      return yield* failure
    }
    const finished = yield* Clock.currentTimeMillis
    const cost = costOf(metadata, finished - started)
    yield* logCost("query", purpose, cost)
    return { table, cost }
  })

/**
 * Reads getQueryResults until the job is complete and, when rows are wanted, every page
 * is in. Rows are read raw (`skipParsing`) and decoded here, straight into columns, with
 * INT64 as bigint rather than the client's lossy numbers.
 */
const readResults = (
  job: Job,
  policy: RetryPolicy,
  purpose: string,
  wanted: "rows" | "completion",
): Effect.Effect<ColumnTable, BigQueryFailure> =>
  Effect.gen(function* () {
    let fields: ReadonlyArray<Field> = []
    const columns: Array<Array<unknown>> = []
    let pageToken: string | undefined
    for (;;) {
      const response = yield* resultsPage(job, policy, purpose, {
        autoPaginate: false,
        skipParsing: true,
        ...(wanted === "completion" ? { maxResults: 0 } : {}),
        ...(pageToken === undefined ? {} : { pageToken }),
      })
      const page = pageOf(response[2])
      if (!page.complete) continue
      if (fields.length === 0 && page.fields.length > 0) {
        fields = page.fields
        columns.push(...fields.map(() => []))
      }
      for (const row of page.rows) {
        fields.forEach((field, index) => {
          columns[index]?.push(decodeValue(field, row[index]))
        })
      }
      if (wanted === "completion" || page.pageToken === undefined) break
      pageToken = page.pageToken
    }
    return { columnNames: fields.map((field) => field.name), columns }
  })

/**
 * One getQueryResults call, retried while it fails transiently. The API answers it with the
 * job's own error when the job failed, so a transient-looking error is checked against the
 * job (jobs.get): a failed job is a job failure, for `runJob` to run anew, since asking a
 * failed job again would fail the same way every time.
 */
const resultsPage = (
  job: Job,
  policy: RetryPolicy,
  purpose: string,
  options: QueryResultsOptions,
): Effect.Effect<QueryRowsResponse, BigQueryFailure> =>
  attempt(() => job.getQueryResults(options)).pipe(
    Effect.catchIf(
      (failure) => failure.transient,
      (failure) =>
        attempt(() => job.getMetadata()).pipe(
          Effect.map(([metadata]) => jobFailure(metadata, failure.cause) ?? failure),
          // The job could not be read either: nothing is known, so the read is retried.
          Effect.orElseSucceed(() => failure),
          Effect.flatMap(Effect.fail),
        ),
    ),
    retryTransient(policy, "request", purpose),
  )

const listTables = (
  dataset: Dataset,
  policy: RetryPolicy,
  prefix: string,
  purpose: string,
): Effect.Effect<ReadonlyArray<string>, WarehouseError> =>
  call(policy, purpose, undefined, () => dataset.getTables()).pipe(
    Effect.map(([tables]) =>
      tables
        .map((table) => table.id)
        .filter((id): id is string => id?.startsWith(prefix) === true)
        .sort(),
    ),
  )

const deleteTables = (
  dataset: Dataset,
  policy: RetryPolicy,
  prefix: string,
): Effect.Effect<ReadonlyArray<string>, WarehouseError> => {
  const purpose = `delete tables starting with "${prefix}"`
  return Effect.gen(function* () {
    if (prefix === "") {
      return yield* new WarehouseError({
        purpose,
        message: "refusing to delete every table in the dataset (empty prefix)",
      })
    }
    const doomed = yield* listTables(dataset, policy, prefix, purpose)
    yield* Effect.forEach(
      doomed,
      (name) =>
        call(policy, purpose, undefined, () =>
          dataset.table(name).delete({ ignoreNotFound: true }),
        ),
      { concurrency: 8, discard: true },
    )
    return doomed
  })
}

/**
 * Calls the client, retrying while the call fails transiently, and turns its final
 * rejection into a WarehouseError that keeps the API's words and error.
 */
const call = <A>(
  policy: RetryPolicy,
  purpose: string,
  sql: string | undefined,
  run: () => Promise<A>,
): Effect.Effect<A, WarehouseError> =>
  retried(policy, purpose, run).pipe(Effect.mapError(toWarehouseError(purpose, sql)))

/** A client call, retried while it fails transiently. */
const retried = <A>(
  policy: RetryPolicy,
  purpose: string,
  run: () => Promise<A>,
): Effect.Effect<A, BigQueryFailure> =>
  attempt(run).pipe(retryTransient(policy, "request", purpose))

/** A client call, once. */
const attempt = <A>(run: () => Promise<A>): Effect.Effect<A, BigQueryFailure> =>
  Effect.tryPromise({
    try: run,
    catch: (cause) =>
      bigQueryFailure({
        scope: "request",
        message: cause instanceof Error ? cause.message : String(cause),
        ...classify(cause),
        cause,
      }),
  })

/**
 * The WarehouseError a failure ends as: the API's message, led by how many attempts were
 * made when every one failed transiently.
 */
const toWarehouseError =
  (purpose: string, sql: string | undefined) =>
  (failure: BigQueryFailure): WarehouseError => {
    const { attempts } = failure
    const message =
      attempts === undefined
        ? failure.message
        : `transient failure (${failure.reason ?? "unknown reason"}), gave up after ` +
          `${attempts} attempt${attempts === 1 ? "" : "s"}: ${failure.message}`
    return new WarehouseError({
      purpose,
      message,
      ...(sql === undefined ? {} : { sql }),
      cause: failure.cause,
    })
  }

/** Job labels are sent only when there are some, so requests carry no empty `labels`. */
const labelled = (labels: Readonly<Record<string, string>>): { labels?: Record<string, string> } =>
  Object.keys(labels).length === 0 ? {} : { labels: { ...labels } }

/**
 * BigQuery label values allow lowercase letters, digits, underscores and dashes, at most
 * 63 characters; anything else in a slug becomes one underscore per run.
 */
const labelValue = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "_")
    .slice(0, 63)

/** When a table was last written, in label-safe form: 2024-05-01t12-30-00. */
const timestampLabel = (epochMillis: number): string =>
  labelValue(new Date(epochMillis).toISOString().slice(0, 19).replace(/:/g, "-"))

const logCost = (kind: string, purpose: string, cost: QueryCost): Effect.Effect<void> =>
  Effect.logDebug(`BigQuery ${kind} cost`).pipe(
    Effect.annotateLogs(
      Object.fromEntries(
        Object.entries({
          purpose,
          bytesProcessed: cost.bytesProcessed,
          bytesBilled: cost.bytesBilled,
          slotMilliseconds: cost.slotMilliseconds,
          milliseconds: cost.milliseconds,
        }).filter(([, value]) => value !== undefined),
      ),
    ),
  )

// The API's JSON, narrowed field by field: the client types most of it as `any`.

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const recordAt = (value: unknown, key: string): Readonly<Record<string, unknown>> => {
  const inner = isRecord(value) ? value[key] : undefined
  return isRecord(inner) ? inner : {}
}

const arrayAt = (value: unknown, key: string): ReadonlyArray<unknown> => {
  const inner = isRecord(value) ? value[key] : undefined
  return Array.isArray(inner) ? inner : []
}

const stringAt = (value: unknown, key: string): string | undefined => {
  const inner = isRecord(value) ? value[key] : undefined
  return typeof inner === "string" ? inner : undefined
}

/** Int64 figures arrive as decimal strings. */
const numberAt = (value: unknown, key: string): number | undefined => {
  const inner = isRecord(value) ? value[key] : undefined
  const parsed = typeof inner === "string" || typeof inner === "number" ? Number(inner) : NaN
  return Number.isFinite(parsed) ? parsed : undefined
}

/**
 * Cost from a job's statistics; the query section is preferred, the top-level figures are
 * the fallback. The duration is the job's own (start to end) when it reports both, else
 * the time we waited.
 */
const costOf = (job: unknown, waitedMillis: number): QueryCost => {
  const statistics = recordAt(job, "statistics")
  const query = recordAt(statistics, "query")
  const start = numberAt(statistics, "startTime")
  const end = numberAt(statistics, "endTime")
  const bytesProcessed =
    numberAt(query, "totalBytesProcessed") ?? numberAt(statistics, "totalBytesProcessed")
  const bytesBilled = numberAt(query, "totalBytesBilled")
  const slotMilliseconds = numberAt(query, "totalSlotMs") ?? numberAt(statistics, "totalSlotMs")
  return {
    milliseconds: start !== undefined && end !== undefined ? end - start : waitedMillis,
    ...(bytesProcessed === undefined ? {} : { bytesProcessed }),
    ...(bytesBilled === undefined ? {} : { bytesBilled }),
    ...(slotMilliseconds === undefined ? {} : { slotMilliseconds }),
  }
}

/**
 * The error a finished job reports in its status, if any, transient by its reason alone:
 * `cause` is the client's error that led to it, when one did.
 */
const jobFailure = (job: unknown, cause: unknown): BigQueryFailure | undefined => {
  const errorResult = recordAt(recordAt(job, "status"), "errorResult")
  if (Object.keys(errorResult).length === 0) return undefined
  const reason = stringAt(errorResult, "reason")
  return bigQueryFailure({
    scope: "job",
    message: stringAt(errorResult, "message") ?? `the job failed (${reason ?? "no reason given"})`,
    transient: isTransientReason(reason),
    reason,
    cause: cause ?? errorResult,
  })
}

/** A result column's schema, as much of it as decoding needs. */
interface Field {
  readonly name: string
  readonly type: string
  readonly repeated: boolean
  readonly fields: ReadonlyArray<Field>
}

const fieldsOf = (schema: unknown): ReadonlyArray<Field> =>
  arrayAt(schema, "fields").map((field) => ({
    name: stringAt(field, "name") ?? "",
    type: (stringAt(field, "type") ?? "STRING").toUpperCase(),
    repeated: stringAt(field, "mode") === "REPEATED",
    fields: fieldsOf(field),
  }))

interface Page {
  readonly complete: boolean
  readonly fields: ReadonlyArray<Field>
  /** Each row's cell values (`f[i].v`), still in the API's JSON form. */
  readonly rows: ReadonlyArray<ReadonlyArray<unknown>>
  readonly pageToken?: string
}

const cellValues = (row: unknown): ReadonlyArray<unknown> =>
  arrayAt(row, "f").map((cell) => (isRecord(cell) ? cell.v : null))

const pageOf = (response: unknown): Page => {
  const pageToken = stringAt(response, "pageToken")
  return {
    complete: isRecord(response) && response.jobComplete !== false,
    fields: fieldsOf(recordAt(response, "schema")),
    rows: arrayAt(response, "rows").map(cellValues),
    ...(pageToken === undefined ? {} : { pageToken }),
  }
}

/** One cell from the API's JSON (`v`) to a JavaScript value; see `makeBigQueryWarehouse`. */
const decodeValue = (field: Field, value: unknown): unknown => {
  if (value === null || value === undefined) return null
  if (field.repeated) {
    const element = { ...field, repeated: false }
    return Array.isArray(value)
      ? value.map((item) => decodeValue(element, isRecord(item) ? item.v : null))
      : null
  }
  if (field.type === "RECORD" || field.type === "STRUCT") {
    const values = cellValues(value)
    return Object.fromEntries(
      field.fields.map((inner, index) => [inner.name, decodeValue(inner, values[index])]),
    )
  }
  if (typeof value !== "string") return value
  switch (field.type) {
    case "INTEGER":
    case "INT64":
      return BigInt(value)
    case "FLOAT":
    case "FLOAT64":
    case "NUMERIC":
    case "BIGNUMERIC":
      return Number(value)
    case "BOOLEAN":
    case "BOOL":
      return value.toLowerCase() === "true"
    case "TIMESTAMP":
      return timestampValue(value)
    default:
      return value
  }
}

/**
 * The client asks for int64 microseconds (formatOptions.useInt64Timestamp); older
 * responses send float seconds.
 */
const timestampValue = (value: string): Date =>
  /^-?\d+$/.test(value) ? new Date(Number(BigInt(value) / 1000n)) : new Date(Number(value) * 1000)
