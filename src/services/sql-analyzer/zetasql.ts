import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import * as Net from "node:net"
import { constants as osConstants } from "node:os"
import * as Path from "node:path"
import type { AnalyzerOptionsProto } from "@fivetrandevelopers/zetasql/lib/types/zetasql/AnalyzerOptionsProto.js"
import type {
  LanguageOptionsProto,
  LanguageOptionsProto__Output,
} from "@fivetrandevelopers/zetasql/lib/types/zetasql/LanguageOptionsProto.js"
import type { RegisterResponse__Output } from "@fivetrandevelopers/zetasql/lib/types/zetasql/local_service/RegisterResponse.js"
import type { ZetaSqlLocalServiceClient } from "@fivetrandevelopers/zetasql/lib/types/zetasql/local_service/ZetaSqlLocalService.js"
import { Clock, Data, Deferred, Effect, Either, Schedule, type Scope } from "effect"
import type { TableSchema } from "../../domain/table-schema.js"
import type { SqlAnalyzer } from "../sql-analyzer.js"
import { buildCatalog, catalogKey } from "./catalog.js"
import { SqlCheck } from "./check.js"
import {
  notInstalledMessage,
  SqlAnalyzerError,
  SqlAnalyzerUnavailable,
  zetaSqlPackage,
} from "./error.js"
import type { SqlFunction } from "./functions.js"
import { outputColumns, stringField } from "./wire.js"

type Service = SqlAnalyzer["Type"]

/** The statement was refused (gRPC INVALID_ARGUMENT, OUT_OF_RANGE or UNIMPLEMENTED). */
class Rejected extends Data.TaggedError("Rejected")<{ readonly message: string }> {}

/** What a gRPC callback reports; the client's own ServiceError has these and more. */
interface RpcError {
  readonly code?: number
  readonly details?: string
  readonly message?: string
}

const rejectionCodes = new Set([3, 11, 12])
const unavailableCode = 14
const callTimeoutMs = 60_000
const startTimeoutMs = 30_000

/**
 * The waits on the server process (start, stop, crash) are in real time: under a test's
 * TestClock they would never end.
 */
const liveClock = Clock.make()

/** The server's last output lines, kept for an error message should it fail. */
const outputTail = 4_000

interface Server {
  readonly child: ChildProcess
  readonly output: () => string
  /** Completes with how the process ended ("exit code 1", "signal SIGABRT"). */
  readonly exited: Deferred.Deferred<string>
}

const loadPackage = Effect.tryPromise({
  try: () => import("@fivetrandevelopers/zetasql"),
  catch: (cause) =>
    typeof cause === "object" &&
    cause !== null &&
    "code" in cause &&
    cause.code === "ERR_MODULE_NOT_FOUND" &&
    String(cause).includes(zetaSqlPackage)
      ? new SqlAnalyzerUnavailable({
          message: notInstalledMessage(`${zetaSqlPackage} is not installed`),
        })
      : new SqlAnalyzerError({ message: `${zetaSqlPackage} could not be loaded`, cause }),
})

/** The server executable the package ships for this platform, as its own `runServer` picks it. */
const serverBinary = Effect.suspend(() => {
  const entry = createRequire(import.meta.url).resolve(zetaSqlPackage)
  const suffix =
    (process.arch.startsWith("arm") ? "_arm" : "") + (process.platform === "darwin" ? "" : ".so")
  const binary = Path.join(Path.dirname(entry), "zetasql", `remote_server${suffix}`)
  const supported = process.platform === "linux" || process.platform === "darwin"
  return supported && existsSync(binary)
    ? Effect.succeed(binary)
    : Effect.fail(
        new SqlAnalyzerUnavailable({
          message: notInstalledMessage(
            `${zetaSqlPackage} has no ZetaSQL server for ${process.platform}/${process.arch}`,
          ),
        }),
      )
})

/**
 * A port nothing listens on now. The server binds with SO_REUSEPORT, so it cannot tell us
 * the port was taken meanwhile; the window is the ~1 s between this and its start.
 */
const freePort = Effect.async<number, SqlAnalyzerError>((resume) => {
  const probe = Net.createServer()
  probe.once("error", (cause) =>
    resume(Effect.fail(new SqlAnalyzerError({ message: "no free local port", cause }))),
  )
  probe.listen(0, "127.0.0.1", () => {
    const address = probe.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    probe.close(() => resume(Effect.succeed(port)))
  })
})

/**
 * Runs the server under a small shell that holds a pipe from this process: when the pipe
 * ends (the scope closed it, or this process died in any way, even by SIGKILL) the shell
 * stops the server, so no server outlives the process that started it.
 */
const watchdog = [
  "exec 3<&0",
  '"$0" "$@" </dev/null &',
  "server=$!",
  '{ read -r _ <&3; kill "$server" 2>/dev/null; } &',
  'wait "$server"',
].join("\n")

/** "exit code 0", or the signal a shell's 128+N status stands for. */
const describeExit = (code: number | null, signal: NodeJS.Signals | null): string => {
  if (signal !== null) return `signal ${signal}`
  const name = Object.entries(osConstants.signals).find(
    ([, n]) => code !== null && n === code - 128,
  )
  return name === undefined ? `exit code ${code}` : `exit code ${code}, signal ${name[0]}`
}

const startServer = (binary: string, port: number) =>
  Effect.gen(function* () {
    const exited = yield* Deferred.make<string>()
    let output = ""
    const child = spawn("/bin/sh", ["-c", watchdog, binary, "localhost", String(port)], {
      stdio: ["pipe", "pipe", "pipe"],
    })
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-outputTail)
    }
    child.stdout?.on("data", keep)
    child.stderr?.on("data", keep)
    // Ending the pipe is the stop signal; an EPIPE after the shell is gone says nothing new.
    child.stdin?.on("error", () => undefined)
    const ended = (how: string) => Deferred.unsafeDone(exited, Effect.succeed(how))
    child.once("exit", (code, signal) => ended(describeExit(code, signal)))
    child.once("error", (error) => ended(`could not run: ${error.message}`))
    return { child, output: () => output.trim(), exited } satisfies Server
  })

const stopServer = (server: Server) =>
  Effect.gen(function* () {
    server.child.stdin?.end()
    const stopped = yield* Deferred.await(server.exited).pipe(
      Effect.timeout("5 seconds"),
      Effect.option,
    )
    if (stopped._tag === "None") server.child.kill("SIGKILL")
  }).pipe(Effect.withClock(liveClock))

const ended = (server: Server, doing: string, how: string) =>
  new SqlAnalyzerError({
    message:
      `the ZetaSQL server ended (${how}) ${doing}` +
      (server.output() === "" ? "" : `; its last output:\n${server.output()}`),
  })

/** Resolves once something accepts connections on the port (or fails on error). */
const accepts = (port: number) =>
  Effect.async<boolean>((resume) => {
    const socket = Net.connect({ port, host: "localhost" })
    const done = (open: boolean) => {
      socket.destroy()
      resume(Effect.succeed(open))
    }
    socket.once("connect", () => done(true))
    socket.once("error", () => done(false))
    return Effect.sync(() => socket.destroy())
  })

/**
 * Waits for the port to accept connections before the gRPC client exists: a client that
 * met a refused connection backs off for a second or more before it tries again.
 */
const awaitListening = (server: Server, port: number) =>
  Effect.raceFirst(
    accepts(port).pipe(
      Effect.repeat({ until: (open) => open, schedule: Schedule.spaced("20 millis") }),
      Effect.asVoid,
      Effect.timeoutFail({
        duration: startTimeoutMs,
        onTimeout: () =>
          new SqlAnalyzerError({
            message: `the ZetaSQL server did not listen within ${startTimeoutMs / 1000} s: ${server.output()}`,
          }),
      }),
    ),
    Deferred.await(server.exited).pipe(
      Effect.flatMap((how) => Effect.fail(ended(server, "while starting", how))),
    ),
  ).pipe(Effect.withClock(liveClock))

/** First " [at line:column]" of a one-line ZetaSQL message, taken out of the message. */
const located = (message: string): SqlCheck => {
  const at = / \[at (\d+):(\d+)\]/.exec(message)
  if (at === null) return SqlCheck.Invalid({ message })
  return SqlCheck.Invalid({
    message: message.slice(0, at.index) + message.slice(at.index + at[0].length),
    line: Number(at[1]),
    column: Number(at[2]),
  })
}

const servicePath = "/zetasql.local_service.ZetaSqlLocalService/"
/** sql_statement in ParseRequest and AnalyzeRequest. */
const parseSqlField = 1
const analyzeSqlField = 5

/**
 * Serializes a request with the serializer grpc-js attaches to each generated client
 * method (it is not in the client's types).
 */
const serializeWith = (
  method: unknown,
  request: object,
): Either.Either<Buffer, SqlAnalyzerError> => {
  const serialize =
    typeof method === "function" && "requestSerialize" in method
      ? method.requestSerialize
      : undefined
  const bytes: unknown = typeof serialize === "function" ? serialize(request) : undefined
  return Buffer.isBuffer(bytes)
    ? Either.right(bytes)
    : Either.left(
        new SqlAnalyzerError({
          message: `${zetaSqlPackage}: its client has no request serializer`,
        }),
      )
}

/** How many registered catalogs stay registered after their last use. */
const keptCatalogs = 16

/** A registered catalog, and how many statements are being analysed against it. */
interface CatalogEntry {
  readonly registration: Effect.Effect<
    { readonly id: RegisterResponse__Output["registeredId"]; readonly prefix: Buffer },
    SqlAnalyzerError
  >
  users: number
  dropped: boolean
}

export interface ZetaSqlAnalyzerOptions {
  readonly functions: ReadonlyArray<SqlFunction>
}

/**
 * The SqlAnalyzer on a ZetaSQL server of its own: the package is imported here, at run
 * time, so nothing loads it unless this is built; the server and the gRPC channel close
 * with the scope.
 */
export const makeZetaSqlAnalyzer = (
  options: ZetaSqlAnalyzerOptions,
): Effect.Effect<Service, SqlAnalyzerUnavailable | SqlAnalyzerError, Scope.Scope> =>
  Effect.gen(function* () {
    const zetaSql = yield* loadPackage
    const binary = yield* serverBinary
    const port = yield* freePort
    const server = yield* Effect.acquireRelease(startServer(binary, port), stopServer)
    yield* awaitListening(server, port)
    const api: ZetaSqlLocalServiceClient = yield* Effect.acquireRelease(
      Effect.sync(() => {
        // init() replaces a process-wide client; this analyser keeps the one made for its port.
        zetaSql.ZetaSQLClient.init(port)
        return zetaSql.ZetaSQLClient.API
      }),
      (client) => Effect.sync(() => client.close()),
    )

    const rpc = <A>(
      method: string,
      start: (callback: (error: RpcError | null, value?: A) => void) => { cancel(): void },
    ): Effect.Effect<A, Rejected | SqlAnalyzerError> =>
      Effect.async<A, RpcError>((resume) => {
        const call = start((error, value) => {
          if (error !== null) resume(Effect.fail(error))
          else if (value === undefined) resume(Effect.fail({ details: "empty response" }))
          else resume(Effect.succeed(value))
        })
        return Effect.sync(() => call.cancel())
      }).pipe(
        Effect.catchAll((error) =>
          Effect.gen(function* () {
            const message = error.details ?? error.message ?? "unknown error"
            if (error.code !== undefined && rejectionCodes.has(error.code)) {
              return yield* new Rejected({ message })
            }
            // A crash drops the connection; say so, with the server's last words.
            const how =
              error.code === unavailableCode
                ? yield* Deferred.await(server.exited).pipe(
                    Effect.timeout("1 second"),
                    Effect.option,
                    Effect.withClock(liveClock),
                  )
                : undefined
            if (how?._tag === "Some") return yield* ended(server, `during ${method}`, how.value)
            return yield* new SqlAnalyzerError({
              message: `ZetaSQL ${method} failed: ${message}`,
              cause: error,
            })
          }),
        ),
      )

    const callOptions = (timeoutMs = callTimeoutMs) => ({ deadline: Date.now() + timeoutMs })

    const maximum = yield* rpc<LanguageOptionsProto__Output>("GetLanguageOptions", (callback) =>
      api.getLanguageOptions({ maximumFeatures: true }, callOptions(startTimeoutMs), callback),
    ).pipe(
      Effect.catchTag(
        "Rejected",
        (error) => new SqlAnalyzerError({ message: error.message, cause: error }),
      ),
    )
    // Every statement kind (the default is queries only), and BigQuery's type names (FLOAT64, not DOUBLE).
    const languageOptions: LanguageOptionsProto = {
      ...maximum,
      supportedStatementKinds: [],
      productMode: "PRODUCT_EXTERNAL",
    }
    const analyzerOptions: AnalyzerOptionsProto = {
      languageOptions,
      errorMessageMode: "ERROR_MESSAGE_ONE_LINE",
    }

    /*
     * Analyze and Parse requests are the serialized constant part (options, catalog id),
     * made once, followed by the statement; responses are read for output columns only
     * (wire.ts). Both halve the time of a call against the package's client methods.
     */
    const request = (prefix: Buffer, field: number, sql: string) =>
      Buffer.concat([prefix, stringField(field, sql)])
    const send = <A>(method: "Analyze" | "Parse", bytes: Buffer, decode: (response: Buffer) => A) =>
      rpc<A>(method, (callback) =>
        api.makeUnaryRequest(
          servicePath + method,
          (value: Buffer) => value,
          decode,
          bytes,
          callOptions(),
          callback,
        ),
      )

    const register = (tables: ReadonlyArray<TableSchema>) =>
      Effect.gen(function* () {
        const catalog = yield* Either.mapLeft(
          buildCatalog(tables, options.functions, languageOptions),
          (message) => new SqlAnalyzerError({ message: `catalog: ${message}` }),
        )
        const response = yield* rpc<RegisterResponse__Output>("RegisterCatalog", (callback) =>
          api.registerCatalog({ simpleCatalog: catalog }, callOptions(), callback),
        ).pipe(
          Effect.catchTag(
            "Rejected",
            (error) =>
              new SqlAnalyzerError({ message: `catalog refused: ${error.message}`, cause: error }),
          ),
        )
        const id = response.registeredId
        const prefix = yield* serializeWith(api.analyze, {
          options: analyzerOptions,
          registeredCatalogId: id,
        })
        return { id, prefix }
      })

    /*
     * One registration per distinct catalog, reused while it is among the `keptCatalogs`
     * used last: each holds about 1 MB in the server (the built-in functions with the
     * tables), and a caller whose catalog grows with every CREATE makes a new one each time.
     * A catalog dropped from that list is unregistered once no statement uses it.
     */
    const entries = new Map<string, CatalogEntry>()
    const keys = new WeakMap<ReadonlyArray<TableSchema>, string>()
    const bookkeeping = yield* Effect.makeSemaphore(1)

    const unregister = (entry: CatalogEntry) =>
      entry.registration.pipe(
        Effect.flatMap(({ id }) =>
          rpc("UnregisterCatalog", (callback) =>
            api.unregisterCatalog({ registeredId: id }, callOptions(), callback),
          ),
        ),
        Effect.ignore,
      )

    const acquire = (tables: ReadonlyArray<TableSchema>) =>
      bookkeeping.withPermits(1)(
        Effect.gen(function* () {
          const key = keys.get(tables) ?? catalogKey(tables)
          keys.set(tables, key)
          const entry = entries.get(key) ?? {
            registration: yield* Effect.cached(register(tables)),
            users: 0,
            dropped: false,
          }
          entries.delete(key)
          entries.set(key, entry)
          entry.users += 1
          for (const [oldKey, old] of [...entries].slice(0, -keptCatalogs)) {
            entries.delete(oldKey)
            old.dropped = true
            if (old.users === 0) yield* unregister(old)
          }
          return entry
        }),
      )

    const release = (entry: CatalogEntry) =>
      Effect.suspend(() => {
        entry.users -= 1
        return entry.dropped && entry.users === 0 ? unregister(entry) : Effect.void
      })

    const parsePrefix = yield* serializeWith(api.parse, { options: languageOptions })
    // A catalog with nothing in it: enough to learn where a syntax error is.
    const emptyCatalogPrefix = yield* serializeWith(api.analyze, {
      options: analyzerOptions,
      simpleCatalog: {},
    })

    const parse: Service["parse"] = (sql) =>
      send("Parse", request(parsePrefix, parseSqlField, sql), () => true).pipe(
        Effect.as(SqlCheck.Valid({ outputColumns: [] })),
        Effect.catchTag("Rejected", (parseError) =>
          // Parse reports no location; Analyze parses first and does, so ask it where.
          send("Analyze", request(emptyCatalogPrefix, analyzeSqlField, sql), () => true).pipe(
            Effect.as(SqlCheck.Invalid({ message: parseError.message })),
            Effect.catchTag("Rejected", (error) => {
              const check = located(error.message)
              return Effect.succeed(
                check._tag === "Invalid" && check.message === parseError.message
                  ? check
                  : SqlCheck.Invalid({ message: parseError.message }),
              )
            }),
          ),
        ),
      )

    const analyze: Service["analyze"] = (sql, catalog) =>
      Effect.acquireUseRelease(
        acquire(catalog),
        (entry) =>
          entry.registration.pipe(
            Effect.flatMap(({ prefix }) =>
              send("Analyze", request(prefix, analyzeSqlField, sql), outputColumns),
            ),
          ),
        release,
      ).pipe(
        Effect.map((columns) => SqlCheck.Valid({ outputColumns: columns })),
        Effect.catchTag("Rejected", (error) => Effect.succeed(located(error.message))),
      )

    return { parse, analyze }
  })
