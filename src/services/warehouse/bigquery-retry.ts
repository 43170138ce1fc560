import { Data, Duration, Effect, Ref, Schedule } from "effect"

/**
 * How the BigQuery engine retries what failed transiently. Every field is optional; see
 * `retryPolicy` for the defaults.
 */
export interface BigQueryRetrySettings {
  /** Attempts in all, the first one included; 1 turns retries off. */
  readonly maxAttempts?: number
  /** The first retry waits up to this long, each later one up to twice the one before. */
  readonly baseDelay?: Duration.DurationInput
  /** No wait is longer than this. */
  readonly maxDelay?: Duration.DurationInput
}

/** `BigQueryRetrySettings` with the defaults filled in. */
export interface RetryPolicy {
  readonly maxAttempts: number
  readonly baseDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
}

/** Five attempts, waits of up to 1 s, 2 s, 4 s, 8 s between them, never more than 32 s. */
export const retryPolicy = (settings: BigQueryRetrySettings = {}): RetryPolicy => ({
  maxAttempts: Math.max(1, Math.floor(settings.maxAttempts ?? 5)),
  baseDelay: Duration.decode(settings.baseDelay ?? "1 second"),
  maxDelay: Duration.decode(settings.maxDelay ?? "32 seconds"),
})

/**
 * A BigQuery call or job that failed, as the engine sees it before it becomes a
 * WarehouseError: what the API said, and whether trying again may help.
 */
export class BigQueryFailure extends Data.TaggedError("BigQueryFailure")<{
  readonly message: string
  /**
   * "request": one API call failed, and the same call may be made again; "job": a query job
   * ran and failed (`status.errorResult`), and only a new job can succeed.
   */
  readonly scope: "request" | "job"
  readonly transient: boolean
  /** The API's reason with the HTTP status ("HTTP 503 backendError"), or a network error code. */
  readonly reason: string | undefined
  /** Set when the failure was transient every time: how many attempts were made. */
  readonly attempts: number | undefined
  /** The client's error (an ApiError) or the job's errorResult. */
  readonly cause: unknown
}> {}

/*
 * What is worth another try. BigQuery's troubleshooting guide says to retry these with
 * exponential backoff; 408 and userRateLimitExceeded are there because the client library
 * retried them before its own retries were turned off (bigquery.ts), and the network codes
 * because it retried requests that got no response at all.
 */
const transientStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])
const transientReasons: ReadonlySet<string> = new Set([
  "backendError",
  "internalError",
  "rateLimitExceeded",
  "jobRateLimitExceeded",
  "userRateLimitExceeded",
])
const transientNetworkCodes: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
])

export const isTransientReason = (reason: string | undefined): boolean =>
  reason !== undefined && transientReasons.has(reason)

/**
 * Whether an error from the client is worth another try, and why in a word. The reason
 * decides first (BigQuery sends rateLimitExceeded as a 403, next to accessDenied), then the
 * HTTP status, then a network error's code.
 */
export const classify = (
  cause: unknown,
): { readonly transient: boolean; readonly reason: string | undefined } => {
  const code = isRecord(cause) ? cause.code : undefined
  const status = typeof code === "number" ? code : undefined
  const reasons = (isRecord(cause) && Array.isArray(cause.errors) ? cause.errors : [])
    .map((error: unknown) => (isRecord(error) ? error.reason : undefined))
    .filter((reason): reason is string => typeof reason === "string")
  const reason = reasons.find(isTransientReason) ?? reasons[0]
  const described = [status === undefined ? undefined : `HTTP ${status}`, reason]
    .filter((part) => part !== undefined)
    .join(" ")
  if (reasons.some(isTransientReason) || (status !== undefined && transientStatuses.has(status))) {
    return { transient: true, reason: described }
  }
  if (typeof code === "string") {
    return { transient: transientNetworkCodes.has(code), reason: code }
  }
  return { transient: false, reason: described === "" ? undefined : described }
}

/** A failure that has not been retried (yet). */
export const bigQueryFailure = (fields: {
  readonly message: string
  readonly scope: "request" | "job"
  readonly transient: boolean
  readonly reason: string | undefined
  readonly cause: unknown
}): BigQueryFailure => new BigQueryFailure({ ...fields, attempts: undefined })

/**
 * Runs `attempt` again while it fails transiently in `scope`, at most `maxAttempts` times in
 * all, waiting between attempts with exponential backoff and full jitter: before retry n
 * (1-based) a uniformly random time in [0, min(maxDelay, baseDelay·2^(n−1))]. Full jitter
 * spreads the retries of the many queries a run makes at once, so they do not hit a
 * recovering backend together. Each retry is logged at WARNING with the purpose, the attempt
 * that failed, the reason and the wait. Other failures pass through unchanged; when every
 * attempt failed transiently, the last failure says how many were made (`attempts`).
 */
export const retryTransient =
  (policy: RetryPolicy, scope: "request" | "job", purpose: string) =>
  <A>(attempt: Effect.Effect<A, BigQueryFailure>): Effect.Effect<A, BigQueryFailure> =>
    Effect.gen(function* () {
      const made = yield* Ref.make(0)
      const retryable = (failure: BigQueryFailure) =>
        failure.scope === scope && failure.transient && failure.attempts === undefined
      const schedule = Schedule.exponential(policy.baseDelay).pipe(
        Schedule.modifyDelay((_, delay) => Duration.min(delay, policy.maxDelay)),
        Schedule.jitteredWith({ min: 0, max: 1 }),
        Schedule.intersect(Schedule.recurs(policy.maxAttempts - 1)),
        Schedule.whileInput(retryable),
        Schedule.passthrough,
        Schedule.modifyDelayEffect((failure: BigQueryFailure, delay) =>
          Ref.get(made).pipe(
            Effect.flatMap((attempts) => logRetry(purpose, policy, failure, attempts, delay)),
            Effect.as(delay),
          ),
        ),
      )
      return yield* Ref.update(made, (attempts) => attempts + 1).pipe(
        Effect.zipRight(attempt),
        Effect.retry(schedule),
        Effect.catchIf(retryable, (failure) =>
          Ref.get(made).pipe(
            Effect.flatMap((attempts) =>
              Effect.fail(new BigQueryFailure({ ...fieldsOf(failure), attempts })),
            ),
          ),
        ),
      )
    })

const fieldsOf = (failure: BigQueryFailure) => ({
  message: failure.message,
  scope: failure.scope,
  transient: failure.transient,
  reason: failure.reason,
  cause: failure.cause,
})

const logRetry = (
  purpose: string,
  policy: RetryPolicy,
  failure: BigQueryFailure,
  attempt: number,
  delay: Duration.Duration,
): Effect.Effect<void> => {
  const what = failure.scope === "job" ? "job" : "request"
  const delayMillis = Duration.toMillis(delay)
  return Effect.logWarning(
    `BigQuery ${what} failed transiently (${failure.reason ?? "unknown reason"}) on attempt ` +
      `${attempt} of ${policy.maxAttempts}; trying again in ${Math.round(delayMillis)} ms`,
  ).pipe(
    Effect.annotateLogs({
      purpose,
      attempt,
      maxAttempts: policy.maxAttempts,
      reason: failure.reason ?? "unknown",
      delayMillis,
      error: failure.message,
    }),
  )
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null
