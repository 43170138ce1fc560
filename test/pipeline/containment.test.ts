import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it, layer } from "@effect/vitest"
import { Cause, Chunk, Deferred, Effect, Exit, Fiber, Layer, Ref, Stream } from "effect"
import { demoExperimentsFile } from "../../src/cli/demo-command.js"
import type { AnalysisPeriod } from "../../src/domain/analysis-period.js"
import type { IsoDate } from "../../src/domain/dates.js"
import type { Experiment } from "../../src/domain/experiment.js"
import { metricsTableName, statisticsTableName } from "../../src/domain/table-names.js"
import { containedAt, containedStream } from "../../src/pipeline/containment.js"
import { createDemoData } from "../../src/pipeline/demo-data.js"
import { demoRunSettings } from "../../src/pipeline/demo-run.js"
import type { Problem } from "../../src/pipeline/problem.js"
import { runDate } from "../../src/pipeline/run.js"
import type { RunEvent } from "../../src/pipeline/run-event.js"
import { ConfigRepository } from "../../src/services/config-repository.js"
import { ExperimentSource } from "../../src/services/experiment-source.js"
import { SummaryComputer } from "../../src/services/summary-computer.js"
import { Warehouse, WarehouseError } from "../../src/services/warehouse/warehouse.js"
import { statisticCatalogue } from "../../src/stats/catalogue/statistic-catalogue.js"
import { expectNearlyEqual, sortedRows } from "../support/nearly-equal.js"
import { rowObjects } from "../support/sql-fixtures.js"

/**
 * Containment (issue 12): a fault in one experiment, window or summary — a typed failure, an
 * exception thrown where none was expected, a rejected promise — is one problem of that unit,
 * with the thrown error's stack in the logs table's `exception`, and everything else the run
 * computes is complete and identical to a run without the fault. Faults are injected by
 * wrapping the real components (the DuckDB warehouse, the statistics computer, the local
 * experiment source), on a small demo warehouse and one date on which two experiments have
 * windows due.
 */

const recorder = { filename: "test", funcName: "test" }

describe("boundaries", () => {
  const place = { experiment: "x" }
  const recovered = (unit: Effect.Effect<string, Error>) =>
    containedAt(place, recorder, unit, (problem: Problem) => Effect.succeed(problem))

  it.effect("turn a failure, a throw, a rejected promise and a die into a problem", () =>
    Effect.gen(function* () {
      const failed = yield* recovered(
        Effect.fail(new WarehouseError({ purpose: "p", message: "m" })),
      )
      expect(failed).toMatchObject({ exceptionType: "WarehouseError", message: "p: m" })

      const thrown = yield* recovered(
        Effect.sync(() => {
          throw new RangeError("thrown")
        }),
      )
      expect(thrown).toMatchObject({
        experiment: "x",
        exceptionType: "RangeError",
        message: "unexpected failure: thrown",
        level: "ERROR",
      })
      expect(typeof thrown === "object" && thrown.exception).toMatch(/^RangeError: thrown\n\s+at /)

      const rejected = yield* recovered(Effect.promise(() => Promise.reject(new TypeError("no"))))
      expect(rejected).toMatchObject({
        exceptionType: "TypeError",
        message: "unexpected failure: no",
      })
      expect(typeof rejected === "object" && rejected.exception).toContain("TypeError: no")

      const died = yield* recovered(Effect.die("a string"))
      expect(died).toMatchObject({
        exceptionType: "Error",
        message: "unexpected failure: a string",
      })

      expect(yield* recovered(Effect.succeed("fine"))).toBe("fine")
    }),
  )

  it.effect("let an interruption through, unit and stream alike", () =>
    Effect.gen(function* () {
      const unit = yield* Effect.exit(recovered(Effect.interrupt))
      expect(Exit.isFailure(unit) && Cause.isInterruptedOnly(unit.cause)).toBe(true)

      const stream = yield* Effect.exit(
        Stream.runCollect(
          containedStream(
            place,
            recorder,
            Stream.make(1).pipe(Stream.concat(Stream.fromEffect(Effect.interrupt))),
            () => Stream.make(0),
          ),
        ),
      )
      expect(Exit.isFailure(stream) && Cause.isInterruptedOnly(stream.cause)).toBe(true)

      const dying = yield* Stream.runCollect(
        containedStream(
          place,
          recorder,
          Stream.make(1).pipe(Stream.concat(Stream.die(new Error("late")))),
          (problem) => Stream.make(problem.message),
        ),
      )
      expect(Chunk.toReadonlyArray(dying)).toEqual([1, "unexpected failure: late"])
    }),
  )
})

/** What the warehouse, the statistics computer and the experiment source do wrong, if anything. */
type Fault =
  /** The warehouse's query throws for purposes matching. */
  | { readonly kind: "query-throws"; readonly purpose: RegExp }
  /** The statistics computer throws for tasks whose random stream matches. */
  | { readonly kind: "kernel-throws"; readonly stream: RegExp }
  /** Writing this table fails, as the warehouse fails a statement. */
  | { readonly kind: "write-fails"; readonly table: string }
  /** Writing this table rejects its promise (a client library's bug). */
  | { readonly kind: "write-rejects"; readonly table: string }
  /** The source hands over a record of this experiment that throws when its outcomes are read. */
  | { readonly kind: "record-throws"; readonly slug: string }
  /** The warehouse's query never answers for purposes matching (a hung statement). */
  | {
      readonly kind: "query-hangs"
      readonly purpose: RegExp
      readonly started: Deferred.Deferred<void>
    }

class Faults extends Effect.Service<Faults>()("test/Faults", {
  effect: Ref.make<Fault | undefined>(undefined),
}) {}

const faultyWarehouse = Layer.effect(
  Warehouse,
  Effect.gen(function* () {
    const inner = yield* Warehouse
    const faults = yield* Faults
    return Warehouse.of({
      ...inner,
      query: (sql, purpose) =>
        Effect.flatMap(Ref.get(faults), (fault) => {
          if (fault?.kind === "query-throws" && fault.purpose.test(purpose)) {
            return Effect.sync(() => {
              throw new RangeError(`injected fault in ${purpose}`)
            })
          }
          if (fault?.kind === "query-hangs" && fault.purpose.test(purpose)) {
            return Deferred.succeed(fault.started, undefined).pipe(Effect.zipRight(Effect.never))
          }
          return inner.query(sql, purpose)
        }),
      createTableAs: (table, sql, purpose, options) =>
        Effect.flatMap(Ref.get(faults), (fault) => {
          if (fault?.kind === "write-fails" && fault.table === table) {
            return Effect.fail(new WarehouseError({ purpose, message: "backendError: try again" }))
          }
          if (fault?.kind === "write-rejects" && fault.table === table) {
            return Effect.promise(() =>
              Promise.reject(new Error(`injected fault writing ${table}`)),
            )
          }
          return inner.createTableAs(table, sql, purpose, options)
        }),
    })
  }),
).pipe(Layer.provide(Warehouse.duckDb({ path: ":memory:", threads: 1 })))

const faultyComputer = Layer.effect(
  SummaryComputer,
  Effect.gen(function* () {
    const inner = yield* SummaryComputer
    const faults = yield* Faults
    return SummaryComputer.of({
      compute: (task) =>
        Effect.flatMap(Ref.get(faults), (fault) =>
          fault?.kind === "kernel-throws" && fault.stream.test(task.stream)
            ? Effect.sync(() => {
                throw new TypeError(`injected kernel fault in ${task.stream}`)
              })
            : inner.compute(task),
        ),
    })
  }),
).pipe(Layer.provide(SummaryComputer.inProcess))

/** A record whose outcomes cannot be read: planning the experiment throws. */
const throwingRecord = (experiment: Experiment): Experiment =>
  new Proxy(experiment, {
    get: (target, key, receiver) => {
      if (key === "outcomes") throw new TypeError("injected fault reading outcomes")
      return Reflect.get(target, key, receiver)
    },
  })

const faultySource = Layer.effect(
  ExperimentSource,
  Effect.gen(function* () {
    const inner = yield* ExperimentSource
    const faults = yield* Faults
    return ExperimentSource.of({
      ...inner,
      list: Effect.flatMap(inner.list, (listed) =>
        Effect.map(Ref.get(faults), (fault) =>
          fault?.kind === "record-throws"
            ? {
                ...listed,
                experiments: listed.experiments.map((experiment) =>
                  experiment.slug === fault.slug ? throwingRecord(experiment) : experiment,
                ),
              }
            : listed,
        ),
      ),
    })
  }),
).pipe(Layer.provide(ExperimentSource.local(demoExperimentsFile)))

const services = Layer.mergeAll(
  faultyWarehouse,
  faultyComputer,
  faultySource,
  ConfigRepository.fromDirectories([]),
).pipe(Layer.provideMerge(Faults.Default), Layer.provide(NodeContext.layer))

/** On this date the sidebar experiment has day 14 and week 2 due, the A/A check day 2. */
const date: IsoDate = "2026-10-28"
const sidebar = "demo-sidebar-onboarding"
const aaCheck = "demo-aa-check"
const windows: ReadonlyArray<readonly [string, AnalysisPeriod, number]> = [
  [sidebar, "day", 14],
  [sidebar, "week", 2],
  [aaCheck, "day", 2],
]
const settings = {
  ...demoRunSettings(7),
  periods: ["day", "week"] as const,
  metrics: ["search_count", "retained"],
  // Every run makes the enrollments, so a fault in making them is met on every run.
  recreateEnrollments: true,
}

type Row = Record<string, unknown>

/** Statistics rows of every window, and the logged problems (without timestamps), sorted. */
const tablesNow = Effect.gen(function* () {
  const warehouse = yield* Warehouse
  const statistics: Row[] = []
  for (const [slug, period, index] of windows) {
    const table = statisticsTableName(slug, period, index)
    if (!(yield* warehouse.tableExists(table))) continue
    const result = yield* warehouse.query(`SELECT * FROM ${table}`, "test")
    for (const row of rowObjects(result.columns, result.columnNames)) {
      statistics.push({ experiment: slug, period, ...row })
    }
  }
  const logs = yield* warehouse.query(
    "SELECT experiment, period, window_index, metric, statistic, segment, analysis_basis, log_level, exception_type, message, exception FROM logs",
    "test",
  )
  return {
    statistics: sortedRows(statistics),
    problems: sortedRows(rowObjects(logs.columns, logs.columnNames)),
  }
})

/**
 * A run of the date with `fault`, its events and the tables after it. Each run starts without
 * statistics tables, so each table it leaves is its own computation (with --metric, a run
 * keeps an existing table's rows of other metrics).
 */
const runWith = (fault: Fault | undefined) =>
  Effect.gen(function* () {
    yield* (yield* Warehouse).deleteTables("statistics_demo_")
    yield* Ref.set(yield* Faults, fault)
    const events = Chunk.toReadonlyArray(yield* Stream.runCollect(runDate(date, settings)))
    yield* Ref.set(yield* Faults, undefined)
    return { events, ...(yield* tablesNow) }
  })

const errorsOf = (problems: ReadonlyArray<Row>) =>
  problems.filter(({ log_level }) => log_level === "ERROR")

const isOf = (row: Row, unit: Row) =>
  Object.entries(unit).every(([key, value]) => row[key] === value)

/** Rows not of `unit` (every key of `unit` equal: an experiment, a window, a summary). */
const outside = (rows: ReadonlyArray<Row>, unit: Row) => rows.filter((row) => !isOf(row, unit))

layer(services, { timeout: 600_000 })("a fault in one unit of a run", (it) => {
  const baseline = Effect.gen(function* () {
    const warehouse = yield* Warehouse
    if (!(yield* warehouse.tableExists("logs"))) yield* createDemoData({ clients: 1_500, seed: 3 })
    return yield* runWith(undefined)
  }).pipe(Effect.cached, Effect.runSync)

  it.effect("a fault-free run: every window written, no error", () =>
    Effect.gen(function* () {
      const clean = yield* baseline
      expect(errorsOf(clean.problems)).toEqual([])
      for (const [slug, period] of windows) {
        const metrics = period === "week" ? settings.metrics : ["retained"]
        for (const metric of [...metrics, "identity", "sample_ratio_mismatch"]) {
          expect(
            clean.statistics.some((row) => isOf(row, { experiment: slug, period, metric })),
          ).toBe(true)
        }
      }
      expect(clean.events.filter(({ kind }) => kind === "item")).toHaveLength(windows.length)
    }),
  )

  it.effect("a throwing query path fails its summary alone, with the stack", () =>
    Effect.gen(function* () {
      const clean = yield* baseline
      // Its batch dies too (it holds the summary's SQL); its members are then run one by one.
      const faulty = yield* runWith({
        kind: "query-throws",
        purpose:
          /^(bootstrap_mean of search_count|\d+ histogram push-downs of) \(?demo-sidebar-onboarding(, | \()week 2/,
      })
      const summary = {
        experiment: sidebar,
        period: "week",
        window_index: "2",
        metric: "search_count",
        statistic: "bootstrap_mean",
      }
      const errors = errorsOf(faulty.problems)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatchObject({ ...summary, exception_type: "RangeError" })
      expect(errors[0]?.message).toContain("unexpected failure: injected fault in bootstrap_mean")
      expect(errors[0]?.exception).toMatch(/^RangeError: injected fault[^\n]*\n\s+at /)
      const published = {
        experiment: sidebar,
        period: "week",
        metric: "search_count",
        statistic: statisticCatalogue.bootstrap_mean.publishedAs,
      }
      expect(faulty.statistics.length).toBeLessThan(clean.statistics.length)
      expectNearlyEqual(outside(faulty.statistics, published), outside(clean.statistics, published))
      expect(outside(faulty.problems, summary)).toEqual(outside(clean.problems, summary))
    }),
  )

  it.effect("a throwing statistic fails its summary alone, with the stack", () =>
    Effect.gen(function* () {
      const clean = yield* baseline
      const faulty = yield* runWith({
        kind: "kernel-throws",
        stream: /^demo-aa-check\/day\/2\/enrollments\/all\/retained\/binomial$/,
      })
      const summary = {
        experiment: aaCheck,
        period: "day",
        window_index: "2",
        metric: "retained",
        statistic: "binomial",
      }
      const errors = errorsOf(faulty.problems)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatchObject({
        ...summary,
        segment: "all",
        analysis_basis: "enrollments",
        exception_type: "TypeError",
      })
      expect(errors[0]?.exception).toMatch(/^TypeError: injected kernel fault[^\n]*\n\s+at /)
      const published = {
        experiment: aaCheck,
        metric: "retained",
        statistic: statisticCatalogue.binomial.publishedAs,
        segment: "all",
        analysis_basis: "enrollments",
      }
      expect(faulty.statistics.length).toBeLessThan(clean.statistics.length)
      expectNearlyEqual(outside(faulty.statistics, published), outside(clean.statistics, published))
      expect(outside(faulty.problems, summary)).toEqual(outside(clean.problems, summary))
    }),
  )

  it.effect("a failing statistics write fails its window alone", () =>
    Effect.gen(function* () {
      const clean = yield* baseline
      const faulty = yield* runWith({
        kind: "write-fails",
        table: statisticsTableName(sidebar, "day", 14),
      })
      const window = { experiment: sidebar, period: "day", window_index: "14" }
      const errors = errorsOf(faulty.problems)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatchObject({ ...window, exception_type: "WarehouseError" })
      expect(errors[0]?.message).toContain("backendError: try again")
      expect(errors[0]?.message).toContain("are those of an earlier run")
      const rows = { experiment: sidebar, period: "day" }
      expect(faulty.statistics.filter((row) => isOf(row, rows))).toEqual([])
      expectNearlyEqual(faulty.statistics, outside(clean.statistics, rows))
      expect(outside(faulty.problems, window)).toEqual(outside(clean.problems, window))
      const item = faulty.events.find(
        (event) =>
          event.kind === "item" &&
          event.outcome.period === "day" &&
          event.outcome.experiment === sidebar,
      )
      expect(item?.kind === "item" && item.outcome.statisticsTable).toBeUndefined()
    }),
  )

  it.effect("a rejected promise writing a metrics table fails its window's basis alone", () =>
    Effect.gen(function* () {
      const clean = yield* baseline
      const faulty = yield* runWith({
        kind: "write-rejects",
        table: metricsTableName(sidebar, "exposures", "week", 2),
      })
      const basis = {
        experiment: sidebar,
        period: "week",
        window_index: "2",
        analysis_basis: "exposures",
      }
      const errors = errorsOf(faulty.problems)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatchObject({ ...basis, metric: null, exception_type: "Error" })
      expect(errors[0]?.message).toBe(
        "unexpected failure: injected fault writing demo_sidebar_onboarding_exposures_week_2",
      )
      expect(errors[0]?.exception).toMatch(/^Error: injected fault[^\n]*\n\s+at /)
      const rows = { experiment: sidebar, period: "week", analysis_basis: "exposures" }
      expectNearlyEqual(outside(faulty.statistics, rows), outside(clean.statistics, rows))
      expect(faulty.statistics.filter((row) => isOf(row, rows))).toEqual([])
      expect(outside(faulty.problems, basis)).toEqual(outside(clean.problems, basis))
    }),
  )

  it.effect("an experiment whose enrollments cannot be written fails alone", () =>
    Effect.gen(function* () {
      const clean = yield* baseline
      const faulty = yield* runWith({ kind: "write-rejects", table: "enrollments_demo_aa_check" })
      const experiment = { experiment: aaCheck }
      const errors = errorsOf(faulty.problems)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatchObject({ ...experiment, period: null, exception_type: "Error" })
      expect(errors[0]?.exception).toMatch(
        /^Error: injected fault writing enrollments_demo_aa_check\n\s+at /,
      )
      expectNearlyEqual(faulty.statistics, outside(clean.statistics, experiment))
      expect(
        faulty.events
          .filter(
            (event): event is Extract<RunEvent, { kind: "experiment-failed" }> =>
              event.kind === "experiment-failed",
          )
          .map(({ problem }) => problem.experiment),
      ).toEqual([aaCheck])
      expect(outside(faulty.problems, experiment)).toEqual(outside(clean.problems, experiment))
    }),
  )

  it.effect("an experiment whose planning throws fails alone", () =>
    Effect.gen(function* () {
      const clean = yield* baseline
      const faulty = yield* runWith({ kind: "record-throws", slug: sidebar })
      const experiment = { experiment: sidebar }
      const errors = errorsOf(faulty.problems)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatchObject({ ...experiment, period: null, exception_type: "TypeError" })
      expect(errors[0]?.message).toBe("unexpected failure: injected fault reading outcomes")
      expect(errors[0]?.exception).toMatch(/^TypeError: injected fault reading outcomes\n\s+at /)
      expectNearlyEqual(faulty.statistics, outside(clean.statistics, experiment))
      const failed = faulty.events.filter((event) => event.kind === "experiment-failed")
      expect(failed).toHaveLength(1)
      const items = faulty.events.flatMap((event) => (event.kind === "item" ? [event.outcome] : []))
      expect(items.map(({ experiment: slug, period }) => `${slug} ${period}`)).toEqual([
        `${aaCheck} day`,
      ])
      expect(outside(faulty.problems, experiment)).toEqual(outside(clean.problems, experiment))
    }),
  )

  it.effect("an interruption stops the run and is not logged as a problem", () =>
    Effect.gen(function* () {
      const clean = yield* baseline
      const started = yield* Deferred.make<void>()
      yield* Ref.set(yield* Faults, {
        kind: "query-hangs",
        purpose: /push-downs? of .*demo-sidebar-onboarding/,
        started,
      })
      const run = yield* Effect.fork(Stream.runCollect(runDate(date, settings)))
      yield* Deferred.await(started)
      const exit = yield* Fiber.interrupt(run)
      yield* Ref.set(yield* Faults, undefined)
      expect(Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)).toBe(true)
      const after = yield* tablesNow
      expect(errorsOf(after.problems)).toEqual([])
      expect(after.problems.filter(({ message }) => String(message).includes("nterrupt"))).toEqual(
        [],
      )
      // What was written before the interruption is what the clean run wrote.
      expect(clean.statistics).toEqual(expect.arrayContaining([...after.statistics]))
    }),
  )
})
