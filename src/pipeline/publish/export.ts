import { Effect, Either, Option, Schema } from "effect"
import { analysisPeriods, tableSuffix } from "../../domain/analysis-period.js"
import { resolveAnalysisConfiguration } from "../../domain/config/resolve-analysis.js"
import type { Experiment } from "../../domain/experiment.js"
import type { StatisticResult } from "../../domain/statistic-result.js"
import { sanitizeName, statisticsViewName } from "../../domain/table-names.js"
import { renderExperimentReport } from "../../report/experiment-page.js"
import { renderReportIndex } from "../../report/index-page.js"
import type { IndexEntry } from "../../report/report-model.js"
import { ConfigRepository } from "../../services/config-repository.js"
import { ExperimentSource, type ExperimentSourceError } from "../../services/experiment-source.js"
import {
  ObjectStore,
  type ObjectStoreError,
  type WriteOutcome,
} from "../../services/object-store.js"
import { recordedFor } from "../../services/warehouse/statement-recorder.js"
import { Warehouse, type WarehouseError } from "../../services/warehouse/warehouse.js"
import { loggedProblems } from "../problem-log.js"
import { readStatistics } from "../statistics-tables.js"
import { experimentReportOf, indexEntryOf, reportProblemOf } from "./experiment-report.js"
import { publishedError } from "./published-errors.js"
import { type PublishedFileError, readPublishedJson } from "./published-file.js"
import { publishedMetadata } from "./published-metadata.js"
import { publishedStatistics } from "./published-statistics.js"
import { ReportManifest } from "./report-manifest.js"

/** Where each published file of an experiment goes, relative to the object store's root. */
export const statisticsPath = (slug: string, suffix: string) =>
  `statistics/statistics_${sanitizeName(slug)}_${suffix}.json`
export const metadataPath = (slug: string) => `metadata/metadata_${sanitizeName(slug)}.json`
export const errorsPath = (slug: string) => `errors/errors_${sanitizeName(slug)}.json`
export const reportPath = (slug: string) => `reports/${sanitizeName(slug)}.html`
export const reportIndexPath = "reports/index.html"
/** The index's entries as data, so exporting one experiment keeps the others listed. */
const reportManifestPath = "reports/index.json"

export interface ExportedFile {
  readonly path: string
  readonly outcome: WriteOutcome
}

export interface ExportedExperiment {
  readonly slug: string
  /** In a fixed order: the statistics files, the metadata, the errors, the report. */
  readonly files: ReadonlyArray<ExportedFile>
  /** Rows left out because their point estimate was not a finite number. */
  readonly droppedRows: number
  readonly entry: IndexEntry
}

type ExportRequirements = Warehouse | ObjectStore | ConfigRepository | ExperimentSource
type ExportError = WarehouseError | ObjectStoreError | ExperimentSourceError | PublishedFileError

const json = (value: unknown) => `${JSON.stringify(value, null, 1)}\n`

/** What a run reads back of the metadata it published: when the analysis started. */
const PublishedAnalysisTime = Schema.Struct({
  analysis_start_time: Schema.optional(Schema.NullOr(Schema.String)),
})

/** The `analysis_start_time` of the experiment's published metadata, if it has one. */
const publishedAnalysisTime = (slug: string) =>
  readPublishedJson(metadataPath(slug), PublishedAnalysisTime, "published metadata").pipe(
    Effect.map(
      Option.flatMap(({ analysis_start_time }) => Option.fromNullable(analysis_start_time)),
    ),
  )

const configurationOf = (experiment: Experiment) =>
  Effect.gen(function* () {
    const { collection } = yield* ConfigRepository
    const resolved = resolveAnalysisConfiguration({ collection, experiment })
    // Experimenter's reader wants an absolute http(s) address: a file path would make it
    // drop the metadata, so a config without a browsable address is published without one.
    const url = collection.experiments.get(experiment.slug)?.origin.url
    return { configuration: Either.getOrUndefined(resolved), externalConfigUrl: url }
  })

/** A statistics file per period whose view exists, and their rows by table suffix. */
const publishStatisticsFiles = (slug: string) =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const views = new Set(yield* (yield* Warehouse).listTables(`statistics_${sanitizeName(slug)}_`))
    const files: ExportedFile[] = []
    const statistics: Record<string, ReadonlyArray<StatisticResult>> = {}
    let droppedRows = 0
    for (const period of analysisPeriods) {
      const view = statisticsViewName(slug, period)
      if (!views.has(view)) continue
      const { rows, dropped } = publishedStatistics(
        yield* readStatistics(view, `exporting ${view}`),
      )
      droppedRows += dropped
      const path = statisticsPath(slug, tableSuffix[period])
      files.push({ path, outcome: yield* store.write(path, json(rows), "application/json") })
      statistics[tableSuffix[period]] = rows.map((row) => ({
        ...row,
        ci_width: row.ci_width ?? null,
        lower: row.lower ?? null,
        upper: row.upper ?? null,
      }))
    }
    return { files, statistics, droppedRows }
  })

/** The experiment's logged problems, and the errors file that publishes them. */
const publishErrorsFile = (slug: string) =>
  Effect.gen(function* () {
    const logged = yield* loggedProblems(slug)
    const path = errorsPath(slug)
    const outcome = yield* (yield* ObjectStore).write(
      path,
      json(logged.map(publishedError)),
      "application/json",
    )
    const file: ExportedFile = { path, outcome }
    return { file, logged }
  })

/**
 * Publishes one experiment: a statistics file per period with results, the metadata, the
 * logged problems, and the HTML report. Each file is written atomically and skipped when
 * its content is unchanged.
 *
 * Nothing in them is the time of the export, so publishing the same warehouse rows again
 * writes nothing. The one time they carry, the metadata's `analysis_start_time` (which the
 * report and the index show), is `options.analysisStartTime` (the run's start) when the
 * results changed — a statistics or errors file was written — and otherwise the time
 * already published: the start of the analysis whose results these are. An experiment
 * without a configuration has no metadata written; its report shows the published time, if
 * any.
 */
export const exportExperiment = (
  slug: string,
  options: { readonly analysisStartTime: string | null },
): Effect.Effect<ExportedExperiment, ExportError, ExportRequirements> =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const experiment = yield* (yield* ExperimentSource).get(slug)
    const { configuration, externalConfigUrl } = yield* configurationOf(experiment)
    // Read before anything is written: a damaged metadata file stops the export untouched.
    const published = yield* publishedAnalysisTime(slug)
    const { files: statisticsFiles, statistics, droppedRows } = yield* publishStatisticsFiles(slug)
    const { file: errorsFile, logged } = yield* publishErrorsFile(slug)
    const changed = [...statisticsFiles, errorsFile].some(({ outcome }) => outcome === "written")
    const analysedAt =
      configuration === undefined || (!changed && Option.isSome(published))
        ? Option.getOrNull(published)
        : options.analysisStartTime
    const files: ExportedFile[] = [...statisticsFiles]
    if (configuration !== undefined) {
      const metadata = publishedMetadata(configuration, {
        analysisStartTime: analysedAt,
        ...(externalConfigUrl === undefined ? {} : { externalConfigUrl }),
      })
      files.push({
        path: metadataPath(slug),
        outcome: yield* store.write(metadataPath(slug), json(metadata), "application/json"),
      })
    }
    files.push(errorsFile)
    const report = experimentReportOf({
      slug,
      experiment,
      configuration,
      statistics,
      problems: logged.map(reportProblemOf),
      analysedAt,
    })
    const path = reportPath(slug)
    files.push({
      path,
      outcome: yield* store.write(path, renderExperimentReport(report), "text/html; charset=utf-8"),
    })
    return { slug, files, droppedRows, entry: indexEntryOf(report, path.slice("reports/".length)) }
  }).pipe(recordedFor(slug))

/**
 * Rewrites the report index with these experiments' entries, keeping the others'. The time
 * it shows is the latest analysis of the experiments it lists, not the time of writing, so
 * an index that lists the same thing is not rewritten.
 */
export const updateReportIndex = (
  entries: ReadonlyArray<IndexEntry>,
): Effect.Effect<string, ObjectStoreError | PublishedFileError, ObjectStore> =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const previous = Option.getOrElse(
      yield* readPublishedJson(reportManifestPath, ReportManifest, "a report index"),
      () => [],
    )
    const bySlug = new Map(previous.map((entry) => [entry.slug, entry]))
    for (const entry of entries) bySlug.set(entry.slug, entry)
    const all = [...bySlug.values()].sort((a, b) => a.slug.localeCompare(b.slug))
    // ISO times, all in UTC: the latest sorts last.
    const latest =
      all
        .flatMap(({ analysedAt }) => (typeof analysedAt === "string" ? [analysedAt] : []))
        .sort()
        .at(-1) ?? null
    yield* store.write(reportManifestPath, json(all), "application/json")
    yield* store.write(reportIndexPath, renderReportIndex(all, latest), "text/html; charset=utf-8")
    return store.addressOf(reportIndexPath)
  })

/**
 * Exports experiments (one failing export is logged and the others go on) and the index.
 * Returns the index's address and what went wrong: the experiments that failed, and the
 * index when it could not be written (`indexFailure`) — a failure to say, never to raise,
 * so that a run still prints its summary.
 */
export const exportExperiments = (
  slugs: ReadonlyArray<string>,
  options: { readonly analysisStartTime: string | null },
) =>
  Effect.gen(function* () {
    const outcomes = yield* Effect.forEach(slugs, (slug) =>
      exportExperiment(slug, options).pipe(
        Effect.tap((exported) =>
          Effect.logInfo(
            `exported ${slug}: ${exported.files.filter(({ outcome }) => outcome === "written").length} written, ${exported.files.filter(({ outcome }) => outcome === "unchanged").length} unchanged`,
          ),
        ),
        Effect.either,
      ),
    )
    const exported = outcomes.flatMap((outcome) => (Either.isRight(outcome) ? [outcome.right] : []))
    const failures = outcomes.flatMap((outcome, index) =>
      Either.isLeft(outcome) ? [{ slug: slugs[index] ?? "", error: outcome.left }] : [],
    )
    const store = yield* ObjectStore
    const indexed = yield* Effect.either(updateReportIndex(exported.map(({ entry }) => entry)))
    return {
      exported,
      failures,
      index: Either.getOrElse(indexed, () => store.addressOf(reportIndexPath)),
      indexFailure: Either.getLeft(indexed).pipe(Option.getOrUndefined),
    }
  })
