import { type Context, Data, Duration, Effect, Either, Schedule, ScheduleDecision } from "effect"
import { decodeExperiment, decodeExperiments } from "../../domain/experiment.js"
import type { ExperimentSource } from "../experiment-source.js"
import { ExperimentSourceError } from "./error.js"

export interface HttpSourceOptions {
  readonly baseUrl: string
  /** Retries after the first attempt; default 4. */
  readonly retries?: number
  /** Per attempt, including reading the body; default 30000. */
  readonly timeoutMillis?: number
  /** First backoff delay, doubled on each retry; default 500. */
  readonly initialBackoffMillis?: number
  /** Largest response body read, in bytes; default 256 MiB. */
  readonly maxBodyBytes?: number
}

/**
 * Experimenter's whole list is tens of megabytes. A body far beyond that is a mistake (a
 * wrong URL, a proxy's dump); reading it whole would take more memory than the job has.
 */
export const defaultMaxBodyBytes = 256 * 1024 * 1024

const sizeWords = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${Math.round(bytes / 1024 / 1024)} MiB`
    : `${bytes.toLocaleString("en-US")} bytes`

/** The body as text, read in chunks and refused as soon as it passes `maxBytes`. */
const boundedText = async (response: Response, maxBytes: number): Promise<string> => {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN)
  if (declared > maxBytes) throw new BodyTooLarge(maxBytes)
  if (response.body === null) return ""
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  const parts: string[] = []
  let read = 0
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    read += chunk.value.byteLength
    if (read > maxBytes) {
      await reader.cancel()
      throw new BodyTooLarge(maxBytes)
    }
    parts.push(decoder.decode(chunk.value, { stream: true }))
  }
  parts.push(decoder.decode())
  return parts.join("")
}

class BodyTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the response is larger than ${sizeWords(maxBytes)}, the most Slipstream reads`)
  }
}

/** One failed attempt; only transient failures (network, timeout, 5xx, 429) are retried. */
class AttemptFailure extends Data.TaggedError("AttemptFailure")<{
  readonly retryable: boolean
  readonly reason: string
  readonly status?: number
  readonly cause?: unknown
}> {}

const describeCause = (cause: unknown): string => {
  if (!(cause instanceof Error)) return String(cause)
  // Node's fetch reports "fetch failed" and keeps the useful part (ECONNREFUSED, ...) in cause.
  return cause.cause instanceof Error ? `${cause.message}: ${cause.cause.message}` : cause.message
}

const attempt = (url: string, timeoutMillis: number, maxBodyBytes: number) =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(url, { signal, headers: { accept: "application/json" } })
      return {
        status: response.status,
        statusText: response.statusText,
        body: await boundedText(response, maxBodyBytes),
      }
    },
    catch: (cause) =>
      new AttemptFailure({
        retryable: !(cause instanceof BodyTooLarge),
        reason: describeCause(cause),
        cause,
      }),
  }).pipe(
    Effect.timeoutFail({
      duration: Duration.millis(timeoutMillis),
      onTimeout: () =>
        new AttemptFailure({ retryable: true, reason: `timed out after ${timeoutMillis} ms` }),
    }),
    Effect.filterOrFail(
      ({ status }) => status >= 200 && status < 300,
      ({ status, statusText }) =>
        new AttemptFailure({
          retryable: status >= 500 || status === 429,
          reason: `HTTP ${status}${statusText === "" ? "" : ` ${statusText}`}`,
          status,
        }),
    ),
  )

/**
 * GETs `url` and parses its JSON body. Transient failures are retried with jittered
 * exponential backoff, each retry logged, since Experimenter is occasionally slow or briefly
 * unavailable and a run should not die of it.
 */
const getJson = (
  url: string,
  options: Required<Omit<HttpSourceOptions, "baseUrl">>,
): Effect.Effect<unknown, AttemptFailure> => {
  const schedule = Schedule.exponential(Duration.millis(options.initialBackoffMillis)).pipe(
    Schedule.jittered,
    Schedule.intersect(Schedule.recurs(options.retries)),
    Schedule.intersect(Schedule.identity<AttemptFailure>()),
    Schedule.whileInput((failure: AttemptFailure) => failure.retryable),
    Schedule.onDecision(([[, retry], failure], decision) =>
      ScheduleDecision.isContinue(decision)
        ? Effect.logWarning(
            `GET ${url}: attempt ${retry + 1} failed (${failure.reason}); retry ${retry + 1} of ${options.retries}`,
          )
        : Effect.void,
    ),
  )
  return attempt(url, options.timeoutMillis, options.maxBodyBytes).pipe(
    Effect.retry(schedule),
    Effect.mapError((failure) =>
      failure.retryable
        ? new AttemptFailure({
            retryable: true,
            reason: `${failure.reason} (gave up after ${options.retries + 1} attempts)`,
            cause: failure.cause,
          })
        : failure,
    ),
    Effect.flatMap(({ body }) =>
      Either.try({
        try: (): unknown => JSON.parse(body),
        catch: (cause) =>
          new AttemptFailure({
            retryable: false,
            reason: `invalid JSON (${describeCause(cause)})`,
            cause,
          }),
      }),
    ),
  )
}

const isList = (json: unknown): json is ReadonlyArray<unknown> => Array.isArray(json)

const sourceError = (url: string, reason: string, cause?: unknown) =>
  new ExperimentSourceError({ source: url, message: `GET ${url}: ${reason}`, cause })

export const makeHttpSource = (
  options: HttpSourceOptions,
): Context.Tag.Service<ExperimentSource> => {
  const baseUrl = options.baseUrl.replace(/\/+$/, "")
  const settings = {
    retries: options.retries ?? 4,
    timeoutMillis: options.timeoutMillis ?? 30_000,
    maxBodyBytes: options.maxBodyBytes ?? defaultMaxBodyBytes,
    initialBackoffMillis: options.initialBackoffMillis ?? 500,
  }
  const listUrl = `${baseUrl}/api/v8/experiments/`
  return {
    list: getJson(listUrl, settings).pipe(
      Effect.mapError(({ reason, cause }) => sourceError(listUrl, reason, cause)),
      Effect.filterOrFail(isList, () =>
        sourceError(listUrl, "expected a list of experiment records"),
      ),
      Effect.map(decodeExperiments),
    ),
    get: (slug) => {
      const url = `${listUrl}${encodeURIComponent(slug)}/`
      return getJson(url, settings).pipe(
        Effect.mapError(({ reason, status, cause }) =>
          sourceError(url, status === 404 ? `no experiment "${slug}" (${reason})` : reason, cause),
        ),
        Effect.flatMap((record) =>
          Either.mapLeft(decodeExperiment(record), ({ message }) => sourceError(url, message)),
        ),
      )
    },
  }
}
