import { Clock, Effect, Ref, Stream } from "effect"
import {
  type AnalysisBasis,
  type AnalysisWindow,
  analysisBases,
  preEnrollmentPeriods,
} from "../domain/analysis-period.js"
import {
  type AnalysisConfiguration,
  referenceBranchOf,
} from "../domain/config/analysis-configuration.js"
import type { IsoDate } from "../domain/dates.js"
import type { Experiment } from "../domain/experiment.js"
import type { StatisticResult } from "../domain/statistic-result.js"
import { metricsTableName } from "../domain/table-names.js"
import { recordedFor } from "../services/warehouse/statement-recorder.js"
import { Warehouse, WarehouseError } from "../services/warehouse/warehouse.js"
import type { TelemetrySources } from "../sql/enrollments-query.js"
import type { ProblemScope } from "../sql/problem-log.js"
import { recordConfigHash } from "./config-hash-table.js"
import { configWarningProblems } from "./config-warnings.js"
import { consolidateProblems } from "./consolidate-problems.js"
import { containedAt, containedStream, defectsAsFailures } from "./containment.js"
import { ensureCovariateTables } from "./covariate-tables.js"
import { ensureEnrollments } from "./enrollments.js"
import { computeMetricsTable, metricsFor } from "./metrics.js"
import type { PlannedExperiment } from "./plan.js"
import {
  describeFailure,
  type Problem,
  type ProblemPlace,
  type ProblemRecorder,
  problemFrom,
} from "./problem.js"
import { replaceProblems } from "./problem-log.js"
import type { RunEvent, WorkItemOutcome } from "./run-event.js"
import { computePopulation, type StatisticsSettings } from "./statistics.js"
import { writeStatistics } from "./statistics-tables.js"
import { summariseWindow } from "./summaries.js"

export interface AnalysisSettings extends StatisticsSettings {
  readonly sources: TelemetrySources
  /** Only these metrics (all when empty). */
  readonly metrics: ReadonlyArray<string>
  /** Reuse the metrics tables already written; compute statistics only. */
  readonly statisticsOnly: boolean
  readonly recreateEnrollments: boolean
  /** Summaries and segments computed at once inside one window. */
  readonly summaryConcurrency: number
}

const recordedBy = (funcName: string): ProblemRecorder => ({
  filename: "src/pipeline/analyse-experiment.ts",
  funcName,
})

/** Pre-enrollment windows first: the covariates of linear models are read from them. */
const inComputeOrder = (windows: ReadonlyArray<AnalysisWindow>) =>
  [...windows].sort(
    (a, b) =>
      Number(!preEnrollmentPeriods.some((period) => period === a.period)) -
      Number(!preEnrollmentPeriods.some((period) => period === b.period)),
  )

/** One basis of one window: its metrics table, its populations, its summaries by segment. */
const analyseBasis = (
  configuration: AnalysisConfiguration,
  window: AnalysisWindow,
  basis: AnalysisBasis,
  date: IsoDate,
  settings: AnalysisSettings,
) =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const slug = configuration.experiment.slug
    const place: ProblemPlace = {
      experiment: slug,
      analysisDate: date,
      period: window.period,
      windowIndex: window.index,
      analysisBasis: basis,
    }
    const metrics = metricsFor(configuration, window, basis, settings.metrics)
    if (metrics.length === 0) return undefined
    const written = settings.statisticsOnly
      ? { table: metricsTableName(slug, basis, window.period, window.index), failed: [] }
      : yield* computeMetricsTable(configuration, window, basis, metrics)
    const metricsTable = written.table
    if (settings.statisticsOnly && !(yield* warehouse.tableExists(metricsTable))) {
      return yield* new WarehouseError({
        purpose: `statistics of ${slug} (${window.period} ${window.index}, ${basis})`,
        message: `--statistics-only needs ${metricsTable}, which does not exist`,
      })
    }
    const metricProblems = yield* Effect.forEach(written.failed, ({ metric, error }) =>
      problemFrom({ ...place, metric }, error, recordedBy("analyseBasis")),
    )
    const computed = new Set(
      metrics
        .map(({ name }) => name)
        .filter((name) => !written.failed.some(({ metric }) => metric === name)),
    )
    const summaries = configuration.periods[window.period].summaries.filter(
      ({ metric }) =>
        metric.analysisBases.includes(basis) &&
        (computed.has(metric.name) || metric.dataSource === undefined) &&
        (settings.metrics.length === 0 || settings.metrics.includes(metric.name)),
    )
    if (!settings.statisticsOnly) {
      yield* ensureCovariateTables(configuration, window, basis, summaries)
    }
    const population = yield* computePopulation({ configuration, window, basis, metricsTable })
    const booleanColumns = [...(yield* warehouse.columnTypes(metricsTable))]
      .filter(([, type]) => type === "BOOLEAN" || type === "BOOL")
      .map(([name]) => name)
    const outcomes = yield* summariseWindow(
      { configuration, window, basis, metricsTable, booleanColumns, summaries },
      place,
      settings,
    )
    return {
      metricsTable,
      results: [...population, ...outcomes.flatMap(({ results }) => results)],
      problems: [...metricProblems, ...outcomes.flatMap(({ problems }) => problems)],
    }
  })

/** The logs table's rows a window's computation replaces. */
const windowScope = (
  slug: string,
  window: AnalysisWindow,
  date: IsoDate,
  settings: AnalysisSettings,
): ProblemScope => ({
  kind: "window",
  experiment: slug,
  period: window.period,
  windowIndex: window.index,
  analysisDate: date,
  metrics: settings.metrics.length === 0 ? [] : [...settings.metrics, "identity"],
})

/** Replaces the problems of `scope` in the logs table; a failure to is logged, not raised. */
const logProblems = (scope: ProblemScope, problems: ReadonlyArray<Problem>) =>
  replaceProblems(scope, problems).pipe(
    defectsAsFailures,
    Effect.catchAll((error) =>
      Effect.logError(
        `could not log the problems of ${scope.experiment}: ${describeFailure(error).message}`,
      ),
    ),
  )

/**
 * A window's boundary: its outcome, or — when something in it failed or died outside the
 * boundaries of its bases, summaries and write — an outcome with no statistics table and that
 * problem, logged. Never fails; interruption propagates.
 */
const analyseWindowWithin = (
  configuration: AnalysisConfiguration,
  window: AnalysisWindow,
  date: IsoDate,
  settings: AnalysisSettings,
): Effect.Effect<WorkItemOutcome, never, Warehouse> =>
  Effect.gen(function* () {
    const slug = configuration.experiment.slug
    const started = yield* Clock.currentTimeMillis
    const place: ProblemPlace = {
      experiment: slug,
      analysisDate: date,
      period: window.period,
      windowIndex: window.index,
    }
    return yield* containedAt(
      place,
      recordedBy("analyseWindow"),
      analyseWindow(configuration, window, date, settings),
      (problem) =>
        Effect.gen(function* () {
          yield* logProblems(windowScope(slug, window, date, settings), [problem])
          const finished = yield* Clock.currentTimeMillis
          return {
            experiment: slug,
            date,
            period: window.period,
            windowIndex: window.index,
            metricsTables: [],
            results: 0,
            problems: [problem],
            milliseconds: finished - started,
          } satisfies WorkItemOutcome
        }),
    )
  })

/** A work item: every basis of one window, then its statistics table. */
const analyseWindow = (
  configuration: AnalysisConfiguration,
  window: AnalysisWindow,
  date: IsoDate,
  settings: AnalysisSettings,
): Effect.Effect<WorkItemOutcome, never, Warehouse> =>
  Effect.gen(function* () {
    const slug = configuration.experiment.slug
    const started = yield* Clock.currentTimeMillis
    const metricsTables: string[] = []
    const results: StatisticResult[] = []
    const problems: Problem[] = []
    for (const basis of analysisBases) {
      const place: ProblemPlace = {
        experiment: slug,
        analysisDate: date,
        period: window.period,
        windowIndex: window.index,
        analysisBasis: basis,
      }
      const outcome = yield* analyseBasis(configuration, window, basis, date, settings).pipe(
        defectsAsFailures,
        Effect.catchAll((error) =>
          problemFrom(place, error, recordedBy("analyseWindow")).pipe(
            Effect.map((problem) => {
              problems.push(problem)
              return undefined
            }),
          ),
        ),
      )
      if (outcome === undefined) continue
      metricsTables.push(outcome.metricsTable)
      results.push(...outcome.results)
      problems.push(...outcome.problems)
    }
    const place: ProblemPlace = {
      experiment: slug,
      analysisDate: date,
      period: window.period,
      windowIndex: window.index,
    }
    const statisticsTable = yield* writeStatistics(slug, window.period, window.index, results, {
      onlyMetrics: settings.metrics,
      ...(configuration.multipleTesting === undefined
        ? {}
        : {
            multipleTesting: {
              method: configuration.multipleTesting,
              referenceBranch: referenceBranchOf(configuration),
            },
          }),
    }).pipe(
      defectsAsFailures,
      Effect.catchAll((error) =>
        problemFrom(place, error, recordedBy("analyseWindow")).pipe(
          Effect.map((problem) => {
            // The table is replaced whole or not at all: what readers see is the last run's.
            problems.push({
              ...problem,
              message: `${problem.message}; the results published for this window, if any, are those of an earlier run`,
            })
            return undefined
          }),
        ),
      ),
    )
    const logged = consolidateProblems(problems)
    yield* logProblems(windowScope(slug, window, date, settings), logged)
    const finished = yield* Clock.currentTimeMillis
    return {
      experiment: slug,
      date,
      period: window.period,
      windowIndex: window.index,
      metricsTables,
      ...(statisticsTable === undefined ? {} : { statisticsTable }),
      results: results.length,
      problems: logged,
      milliseconds: finished - started,
    }
  })

/** The errors and warnings an experiment's analysis has logged so far on the date. */
interface ProblemCounts {
  readonly errors: number
  readonly warnings: number
}

const counted = (counts: Ref.Ref<ProblemCounts>, more: ProblemCounts) =>
  Ref.update(counts, ({ errors, warnings }) => ({
    errors: errors + more.errors,
    warnings: warnings + more.warnings,
  }))

const countsOf = (problems: ReadonlyArray<Problem>): ProblemCounts => {
  const errors = problems.filter(({ level }) => level === "ERROR").length
  return { errors, warnings: problems.length - errors }
}

/**
 * Before any window: the experiment's problems start over with its configuration's warnings,
 * and its enrollments are ensured. A failure is the experiment's problem, logged and returned.
 */
const prepareExperiment = (
  configuration: AnalysisConfiguration,
  date: IsoDate,
  settings: AnalysisSettings,
  counts: Ref.Ref<ProblemCounts>,
): Effect.Effect<Problem | undefined, never, Warehouse> => {
  const slug = configuration.experiment.slug
  return Effect.gen(function* () {
    const warnings = configWarningProblems(
      configuration,
      date,
      new Date(yield* Clock.currentTimeMillis),
    )
    yield* replaceProblems({ kind: "experiment", experiment: slug }, warnings)
    yield* counted(counts, { errors: 0, warnings: warnings.length })
    const enrollments = yield* ensureEnrollments(configuration, date, {
      sources: settings.sources,
      recreate: settings.recreateEnrollments,
    })
    yield* Effect.logInfo(
      `${enrollments.table} ${enrollments.created ? "created" : "exists, kept"}`,
    ).pipe(Effect.annotateLogs({ experiment: slug, date }))
  }).pipe(
    recordedFor(slug),
    Effect.as(undefined),
    defectsAsFailures,
    Effect.catchAll((error) =>
      problemFrom(
        { experiment: slug, analysisDate: date },
        error,
        recordedBy("analyseExperiment"),
      ).pipe(
        Effect.tap((problem) => logProblems({ kind: "experiment", experiment: slug }, [problem])),
        Effect.tap(() => counted(counts, { errors: 1, warnings: 0 })),
      ),
    ),
  )
}

/** The experiment's `finished` event; with no error on the date, its config hash recorded. */
const finishExperiment = (
  planned: Extract<PlannedExperiment, { status: "due" }>,
  date: IsoDate,
  counts: Ref.Ref<ProblemCounts>,
): Effect.Effect<RunEvent, never, Warehouse> => {
  const slug = planned.configuration.experiment.slug
  return Effect.gen(function* () {
    const { errors, warnings } = yield* Ref.get(counts)
    if (errors === 0) {
      yield* recordConfigHash(slug, planned.configHash, date).pipe(
        defectsAsFailures,
        Effect.catchAll((error) =>
          Effect.logError(
            `could not record the configuration hash of ${slug}: ${describeFailure(error).message}`,
          ),
        ),
      )
    }
    return { kind: "finished", experiment: slug, date, errors, warnings } satisfies RunEvent
  }).pipe(recordedFor(slug))
}

/**
 * One experiment on one date as a stream: "started", one "item" per due window as soon as
 * its statistics are written, "finished". Its enrollments come first; if they fail, nothing
 * else runs for it. Never fails: every failure becomes a logged problem.
 */
export const analyseExperiment = (
  planned: Extract<PlannedExperiment, { status: "due" }>,
  date: IsoDate,
  settings: AnalysisSettings,
): Stream.Stream<RunEvent, never, Warehouse> =>
  Stream.unwrap(
    Effect.map(Ref.make<ProblemCounts>({ errors: 0, warnings: 0 }), (counts) =>
      experimentEvents(planned, date, settings, counts),
    ),
  )

const experimentEvents = (
  planned: Extract<PlannedExperiment, { status: "due" }>,
  date: IsoDate,
  settings: AnalysisSettings,
  counts: Ref.Ref<ProblemCounts>,
): Stream.Stream<RunEvent, never, Warehouse> => {
  const { configuration } = planned
  const slug = configuration.experiment.slug
  const windows = inComputeOrder(planned.due.map(({ window }) => window))
  const started: RunEvent = {
    kind: "started",
    experiment: slug,
    date,
    windows: windows.map(({ period, index }) => ({ period, index })),
  }
  const items = Stream.fromIterable(windows).pipe(
    Stream.mapEffect((window) =>
      analyseWindowWithin(configuration, window, date, settings).pipe(recordedFor(slug)),
    ),
    Stream.tap((outcome) => counted(counts, countsOf(outcome.problems))),
    Stream.map((outcome): RunEvent => ({ kind: "item", outcome })),
  )
  const analysed = Stream.make(started).pipe(
    Stream.concat(
      Stream.unwrap(
        prepareExperiment(configuration, date, settings, counts).pipe(
          Effect.map((problem) =>
            problem === undefined
              ? items
              : Stream.succeed<RunEvent>({ kind: "experiment-failed", problem }),
          ),
        ),
      ),
    ),
    Stream.concat(Stream.fromEffect(finishExperiment(planned, date, counts))),
  )
  // The experiment's boundary, for what escapes those of its enrollments and windows.
  return containedStream(
    { experiment: slug, analysisDate: date },
    recordedBy("analyseExperiment"),
    analysed,
    (problem) =>
      experimentFailed(slug, problem).pipe(
        Stream.concat(
          Stream.fromEffect(
            Ref.get(counts).pipe(
              Effect.map(
                ({ errors, warnings }): RunEvent => ({
                  kind: "finished",
                  experiment: slug,
                  date,
                  errors: errors + 1,
                  warnings,
                }),
              ),
            ),
          ),
        ),
      ),
  )
}

/**
 * `analyse` under each experiment's boundary, around all it does on `date`, its planning
 * included: a failure or defect that escapes is the experiment's problem, logged, and its
 * `experiment-failed` event; the other experiments go on. Interruption propagates.
 */
export const experimentWithin =
  <R>(date: IsoDate, analyse: (experiment: Experiment) => Stream.Stream<RunEvent, never, R>) =>
  (experiment: Experiment): Stream.Stream<RunEvent, never, R | Warehouse> =>
    containedStream(
      { experiment: experiment.slug, analysisDate: date },
      recordedBy("experimentWithin"),
      Stream.suspend(() => analyse(experiment)),
      (problem) => experimentFailed(experiment.slug, problem),
    )

/**
 * An experiment stopped by `problem`: the problem logged as the experiment's, and its
 * `experiment-failed` event.
 */
const experimentFailed = (
  slug: string,
  problem: Problem,
): Stream.Stream<RunEvent, never, Warehouse> =>
  Stream.fromEffect(
    logProblems({ kind: "experiment", experiment: slug }, [problem]).pipe(
      Effect.as<RunEvent>({ kind: "experiment-failed", problem }),
    ),
  )
