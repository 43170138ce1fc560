import { Clock, Console, Effect, Stream } from "effect"
import { describeFailure } from "../pipeline/problem.js"
import { exportExperiments } from "../pipeline/publish/export.js"
import type { RunEvent } from "../pipeline/run-event.js"
import { summariseRun } from "../pipeline/run-summary.js"
import { Warehouse } from "../services/warehouse/warehouse.js"
import { setExitCode } from "./exit-code.js"
import { makeProgress } from "./progress.js"
import { formatRunSummary } from "./run-summary-output.js"

/** How a run is shown: progress on stderr, summary on stdout. */
export interface RunDisplay {
  readonly json: boolean
  /** Windows the run will compute, when known: the progress bar's length. */
  readonly total?: number
  /** Where the outputs are, for the summary's last lines. */
  readonly outputs: ReadonlyArray<string>
}

/**
 * Runs a stream of run events with progress, then prints the summary (text, or JSON with
 * `--json`) and sets the exit status: 1 when anything failed.
 */
export const executeRun = <E, R>(events: Stream.Stream<RunEvent, E, R>, display: RunDisplay) =>
  Effect.gen(function* () {
    const progress = makeProgress({
      quiet: display.json,
      ...(display.total === undefined ? {} : { total: display.total }),
    })
    const started = yield* Clock.currentTimeMillis
    const collected = yield* events.pipe(Stream.tap(progress.onEvent), Stream.runCollect)
    yield* progress.done
    const summary = summariseRun(collected, (yield* Clock.currentTimeMillis) - started)
    const published = yield* exportExperiments(summary.started, {
      analysisStartTime: new Date(started).toISOString(),
    })
    const written = published.exported.flatMap(({ files }) =>
      files.filter(({ outcome }) => outcome === "written"),
    ).length
    const unchanged = published.exported.flatMap(({ files }) =>
      files.filter(({ outcome }) => outcome === "unchanged"),
    ).length
    const publishFailures = [
      ...published.failures.map(({ slug, error }) => `${slug}: ${describeFailure(error).message}`),
      ...(published.indexFailure === undefined
        ? []
        : [`report index: ${describeFailure(published.indexFailure).message}`]),
    ]
    // What could not be published is a failure of the run: its summary does not say OK.
    const failed = summary.failed || publishFailures.length > 0
    for (const failure of publishFailures) yield* Effect.logError(`export failed: ${failure}`)
    const cost = yield* (yield* Warehouse).costTotals
    yield* Effect.logInfo("run finished").pipe(
      Effect.annotateLogs({
        windows: summary.items,
        statistics_rows: summary.statisticsRows,
        errors: summary.errors.length,
        warnings: summary.warnings,
        milliseconds: summary.milliseconds,
        queries: cost.queries,
        query_milliseconds: cost.milliseconds,
        bytes_processed: cost.bytesProcessed,
        bytes_billed: cost.bytesBilled,
        slot_milliseconds: cost.slotMilliseconds,
      }),
    )
    const publication = { index: published.index, written, unchanged, failures: publishFailures }
    yield* Console.log(
      display.json
        ? JSON.stringify({ ...summary, failed, warehouse: cost, published: publication }, null, 2)
        : formatRunSummary({ ...summary, failed }, cost, [
            ...display.outputs,
            `published: ${written} files written, ${unchanged} unchanged${publishFailures.length === 0 ? "" : `, ${publishFailures.length} not published`}`,
            ...publishFailures.map((failure) => `not published: ${failure}`),
            `report: ${published.index}`,
          ]),
    )
    if (failed) yield* setExitCode(1)
    return summary
  })
