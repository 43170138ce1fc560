import { Clock, Effect, Either, Stream } from "effect"
import type { AnalysisPeriod } from "../domain/analysis-period.js"
import { describeRole } from "../domain/config/file-role.js"
import { resolveAnalysisConfiguration } from "../domain/config/resolve-analysis.js"
import type { AnalysisSpec } from "../domain/config/spec.js"
import { addDays, compareDates, type IsoDate } from "../domain/dates.js"
import type { Experiment } from "../domain/experiment.js"
import { ConfigRepository, unreadableExperimentConfigs } from "../services/config-repository.js"
import { ExperimentSource, type ExperimentSourceError } from "../services/experiment-source.js"
import type { Warehouse, WarehouseError } from "../services/warehouse/warehouse.js"
import { defaultMaxBuckets } from "../stats/value-histogram.js"
import { type AnalysisSettings, analyseExperiment, experimentWithin } from "./analyse-experiment.js"
import { configHash } from "./config-hash.js"
import { storedConfigHashes } from "./config-hash-table.js"
import { planExperiment, selectExperiments } from "./plan.js"
import { type ProblemRecorder, problemAt } from "./problem.js"
import { refusedExperiments } from "./refused-experiments.js"
import type { RunEvent } from "./run-event.js"

export interface RunSettings extends AnalysisSettings {
  /** Experiments analysed at once. */
  readonly concurrency: number
  /** Only these experiments (all selected ones when empty). */
  readonly experiments: ReadonlyArray<string>
  /** Only these periods (all when absent). */
  readonly periods?: ReadonlyArray<AnalysisPeriod>
  /** One experiment's config from a file, instead of the repository's (`--config-file`). */
  readonly customConfig?: AnalysisSpec
}

type RunRequirements = Warehouse | ConfigRepository | ExperimentSource

/** Settings with the defaults of the CLI; `sources` says where enrollment events are. */
export const runSettings = (
  settings: Pick<RunSettings, "sources"> & Partial<RunSettings>,
): RunSettings => ({
  seed: 1,
  maxBuckets: defaultMaxBuckets,
  metrics: [],
  statisticsOnly: false,
  recreateEnrollments: false,
  summaryConcurrency: 4,
  concurrency: 2,
  experiments: [],
  ...settings,
})

/** The experiments of a date, each planned then analysed; events in the order they finish. */
const runExperiments = (
  experiments: ReadonlyArray<Experiment>,
  date: IsoDate,
  settings: RunSettings,
): Stream.Stream<RunEvent, never, Warehouse | ConfigRepository> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const { collection, files } = yield* ConfigRepository
      const unreadable = unreadableExperimentConfigs(files)
      return Stream.fromIterable(experiments).pipe(
        Stream.flatMap(
          experimentWithin(date, (experiment) => {
            // Its config file is there but cannot be read: analysing it without that config
            // would publish results of another configuration. (A rollout is never analysed.)
            const unread =
              settings.customConfig === undefined && !experiment.isRollout
                ? unreadable.get(experiment.slug)
                : undefined
            if (unread !== undefined) {
              return Stream.succeed<RunEvent>({
                kind: "skipped",
                experiment: experiment.slug,
                date,
                status: "invalid",
                reasonType: unreadableConfigType,
                reason: `${unread.file}: ${unread.reason}`,
              })
            }
            const planned = planExperiment(collection, experiment, date, {
              ...(settings.periods === undefined ? {} : { periods: settings.periods }),
              ...(settings.customConfig === undefined
                ? {}
                : { customConfig: settings.customConfig }),
            })
            if (planned.status !== "due") {
              return Stream.succeed<RunEvent>({
                kind: "skipped",
                experiment: experiment.slug,
                date,
                status: planned.status,
                reasonType: planned.reasonType,
                reason: planned.reason,
              })
            }
            return analyseExperiment(planned, date, settings)
          }),
          { concurrency: settings.concurrency },
        ),
      )
    }),
  )

const recordedBy: ProblemRecorder = { filename: "src/pipeline/run.ts", funcName: "experimentsOf" }

/** The exception type of a configuration file that cannot be read. */
export const unreadableConfigType = "UnreadableConfigFile"

/**
 * The configuration files (definitions, defaults, outcomes, functions) that could not be read,
 * each an error of the run naming the file and why: what they define is missing from it.
 * An experiment config that cannot be read is its experiment's error, when the run looks at it.
 */
const unreadableConfigProblems = (date: IsoDate | null) =>
  Effect.gen(function* () {
    const { files } = yield* ConfigRepository
    const at = new Date(yield* Clock.currentTimeMillis)
    return files
      .filter(
        ({ parsed, unreadable }) => unreadable !== undefined && parsed.role.kind !== "experiment",
      )
      .map(
        ({ file, parsed, unreadable }): RunEvent => ({
          kind: "source-problem",
          problem: problemAt(
            { analysisDate: date },
            {
              message: `${file}: ${unreadable}; the ${describeRole(parsed.role)} it holds are missing from this run`,
              exceptionType: unreadableConfigType,
              level: "ERROR",
            },
            { filename: "src/pipeline/run.ts", funcName: "unreadableConfigProblems" },
            at,
          ),
        }),
      )
  })

/**
 * The source's experiments, its undecodable records reported as problems of the run, and
 * each `wanted` slug it does not know as an error.
 */
const experimentsOf = (date: IsoDate, wanted: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const source = yield* ExperimentSource
    const listed = yield* source.list
    const refused = refusedExperiments(listed.experiments)
    const experiments = listed.experiments.filter(({ slug }) => !refused.has(slug))
    const errors = listed.errors
    const at = new Date(yield* Clock.currentTimeMillis)
    const looked = new Set(
      selectExperiments(
        listed.experiments.filter(({ slug }) => refused.has(slug)),
        date,
        wanted,
      ).map(({ slug }) => slug),
    )
    const refusals = [...refused]
      .filter(([slug]) => looked.has(slug))
      .map(
        ([slug, { type, message }]): RunEvent => ({
          kind: "source-problem",
          problem: problemAt(
            { experiment: slug, analysisDate: date },
            { message, exceptionType: type, level: "ERROR" },
            recordedBy,
            at,
          ),
        }),
      )
    const problems = errors.map(
      (error): RunEvent => ({
        kind: "source-problem",
        problem: problemAt(
          { experiment: error.slug ?? null, analysisDate: date },
          { message: error.message, exceptionType: error._tag, level: "WARNING" },
          recordedBy,
          at,
        ),
      }),
    )
    const unknown = wanted
      .filter((slug) => !listed.experiments.some((experiment) => experiment.slug === slug))
      .map(
        (slug): RunEvent => ({
          kind: "source-problem",
          problem: problemAt(
            { experiment: slug, analysisDate: date },
            {
              message: `no experiment ${JSON.stringify(slug)} in the experiment source`,
              exceptionType: "UnknownExperiment",
              level: "ERROR",
            },
            recordedBy,
            at,
          ),
        }),
      )
    return { experiments, problems: [...problems, ...refusals, ...unknown] }
  })

/**
 * The daily run for `date`: every experiment live on it or ended at most 90 days before
 * (or those `settings.experiments` names), planned, then analysed with bounded concurrency.
 */
export const runDate = (
  date: IsoDate,
  settings: RunSettings,
): Stream.Stream<RunEvent, ExperimentSourceError, RunRequirements> =>
  Stream.unwrap(
    Effect.all([experimentsOf(date, settings.experiments), unreadableConfigProblems(date)]).pipe(
      Effect.map(([{ experiments, problems }, configProblems]) =>
        Stream.fromIterable([...problems, ...configProblems]).pipe(
          Stream.concat(
            runExperiments(
              selectExperiments(experiments, date, settings.experiments),
              date,
              settings,
            ),
          ),
        ),
      ),
    ),
  )

/** One experiment on one date: `runDate` narrowed to it. */
export const analyseOneExperiment = (
  slug: string,
  date: IsoDate,
  settings: RunSettings,
): Stream.Stream<RunEvent, ExperimentSourceError, RunRequirements> =>
  runDate(date, { ...settings, experiments: [slug] })

/** Every date from `first` to `last`, inclusive. */
export const datesBetween = (first: IsoDate, last: IsoDate): ReadonlyArray<IsoDate> => {
  const dates: IsoDate[] = []
  for (let date = first; compareDates(date, last) <= 0; date = addDays(date, 1)) dates.push(date)
  return dates
}

/** Consecutive daily runs, one date after the other (windows build on earlier ones). */
export const runDates = (
  dates: ReadonlyArray<IsoDate>,
  settings: RunSettings,
): Stream.Stream<RunEvent, ExperimentSourceError, RunRequirements> =>
  Stream.fromIterable(dates).pipe(Stream.flatMap((date) => runDate(date, settings)))

/** Today's date in UTC, from the Effect clock (tests control it). */
export const todayUtc = Clock.currentTimeMillis.pipe(
  Effect.map((millis) => new Date(millis).toISOString().slice(0, 10) as IsoDate),
)

/**
 * Recomputes experiments from scratch: every date from the start to the day after the end
 * (the overall window is due on the end date) or yesterday, whichever comes first. The first
 * date recreates the enrollments.
 */
export const rerunExperiments = (
  slugs: ReadonlyArray<string>,
  settings: RunSettings,
): Stream.Stream<RunEvent, ExperimentSourceError, RunRequirements> =>
  Stream.unwrap(Effect.map(unreadableConfigProblems(null), Stream.fromIterable)).pipe(
    Stream.concat(rerunDates(slugs, settings)),
  )

/** Each experiment's dates, one after the other. */
const rerunDates = (
  slugs: ReadonlyArray<string>,
  settings: RunSettings,
): Stream.Stream<RunEvent, ExperimentSourceError, RunRequirements> =>
  Stream.fromIterable(slugs).pipe(
    Stream.flatMap((slug) =>
      Stream.unwrap(
        Effect.gen(function* () {
          const source = yield* ExperimentSource
          const experiment = yield* source.get(slug)
          const yesterday = addDays(yield* todayUtc, -1)
          if (experiment.startDate === undefined) return Stream.empty
          const dayAfterEnd =
            experiment.endDate === undefined ? yesterday : addDays(experiment.endDate, 1)
          const last = compareDates(dayAfterEnd, yesterday) < 0 ? dayAfterEnd : yesterday
          const dates = datesBetween(experiment.startDate, last)
          return Stream.fromIterable(dates).pipe(
            Stream.flatMap((date) =>
              runExperiments([experiment], date, {
                ...settings,
                recreateEnrollments: settings.recreateEnrollments || date === experiment.startDate,
              }),
            ),
          )
        }),
      ),
    ),
  )

/**
 * The experiments whose resolved configuration differs from the one their stored results
 * were computed with (custom config, defaults, definitions or outcomes changed). Experiments
 * never analysed, or whose configuration no longer resolves, are not among them.
 */
export const experimentsWithChangedConfig = (): Effect.Effect<
  ReadonlyArray<string>,
  ExperimentSourceError | WarehouseError,
  RunRequirements
> =>
  Effect.gen(function* () {
    const stored = yield* storedConfigHashes()
    const { collection } = yield* ConfigRepository
    const { experiments } = yield* (yield* ExperimentSource).list
    return experiments.flatMap((experiment) => {
      const previous = stored.get(experiment.slug)
      if (previous === undefined) return []
      const resolved = resolveAnalysisConfiguration({ collection, experiment })
      return Either.isRight(resolved) && configHash(resolved.right) !== previous
        ? [experiment.slug]
        : []
    })
  })
