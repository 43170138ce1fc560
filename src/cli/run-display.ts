import { Chunk, Clock, Console, Effect, Ref, Stream } from "effect"
import { describeFailure } from "../pipeline/problem.js"
import { exportExperiments } from "../pipeline/publish/export.js"
import type { RunEvent } from "../pipeline/run-event.js"
import { interruptionOf, type RunSummary, summariseRun } from "../pipeline/run-summary.js"
import { Warehouse } from "../services/warehouse/warehouse.js"
import { setExitCode } from "./exit-code.js"
import { makeProgress } from "./progress.js"
import { formatRunSummary, type StopReport } from "./run-summary-output.js"
import { stopSignal } from "./stopping.js"

/** How a run is shown: progress on stderr, summary on stdout. */
export interface RunDisplay {
  readonly json: boolean
  /** Windows the run will compute, when known: the progress bar's length. */
  readonly total?: number
  /** Where the outputs are, for the summary's last lines. */
  readonly outputs: ReadonlyArray<string>
  /**
   * What completes the run when it is stopped (SIGINT, SIGTERM), from what it had done;
   * by default, running the same command again.
   */
  readonly resume?: (summary: RunSummary) => string
}

/** A run, and every run over dates, completes when it is run again: each window is rewritten. */
export const runAgain =
  "to complete it, run the same command again: the windows due are computed again (those written too) and everything is published"

/**
 * The summary of a run that was stopped: what it wrote before the stop, what it left, and
 * what completes it. Printed where the summary goes (stdout, JSON with `--json`); the exit
 * status (130, 143) is the signal's (src/cli/stopping.ts).
 */
const reportStop = (
  events: Chunk.Chunk<RunEvent>,
  milliseconds: number,
  during: StopReport["during"],
  display: RunDisplay,
) =>
  Effect.gen(function* () {
    const summary = summariseRun(events, milliseconds)
    const interruption = interruptionOf(events)
    const signal = stopSignal()
    const stop: StopReport = {
      ...(signal === undefined ? {} : { signal }),
      during,
      interruption,
      resume: display.resume?.(summary) ?? runAgain,
    }
    const cost = yield* (yield* Warehouse).costTotals
    yield* Effect.logWarning("run interrupted").pipe(
      Effect.annotateLogs({
        signal: signal ?? null,
        during,
        windows_written: interruption.written.length,
        windows_unfinished: interruption.unfinished.length,
        queries: cost.queries,
      }),
    )
    yield* Console.log(
      display.json
        ? JSON.stringify(
            {
              ...summary,
              interrupted: {
                signal: signal ?? null,
                during,
                written: interruption.written,
                unfinished: interruption.unfinished,
                resume: stop.resume,
              },
              warehouse: cost,
              published: null,
            },
            null,
            2,
          )
        : formatRunSummary(summary, cost, display.outputs, stop),
    )
  })

/**
 * Runs a stream of run events with progress, then prints the summary (text, or JSON with
 * `--json`) and sets the exit status: 1 when anything failed. Stopped (interrupted), it
 * prints what it had done instead and publishes nothing more.
 */
export const executeRun = <E, R>(events: Stream.Stream<RunEvent, E, R>, display: RunDisplay) =>
  Effect.gen(function* () {
    const progress = makeProgress({
      quiet: display.json,
      ...(display.total === undefined ? {} : { total: display.total }),
    })
    const started = yield* Clock.currentTimeMillis
    const seen = yield* Ref.make(Chunk.empty<RunEvent>())
    const stage = yield* Ref.make<StopReport["during"] | "reported">("computing")
    const whenStopped = Effect.gen(function* () {
      const during = yield* Ref.get(stage)
      if (during === "reported") return
      yield* progress.done
      const milliseconds = (yield* Clock.currentTimeMillis) - started
      yield* reportStop(yield* Ref.get(seen), milliseconds, during, display)
    })
    const run = Effect.gen(function* () {
      yield* events.pipe(
        Stream.tap((event) => Ref.update(seen, Chunk.append(event))),
        Stream.tap(progress.onEvent),
        Stream.runDrain,
      )
      yield* progress.done
      yield* Ref.set(stage, "publishing")
      const summary = summariseRun(yield* Ref.get(seen), (yield* Clock.currentTimeMillis) - started)
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
        ...published.failures.map(
          ({ slug, error }) => `${slug}: ${describeFailure(error).message}`,
        ),
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
      yield* Ref.set(stage, "reported")
      if (failed) yield* setExitCode(1)
      return summary
    })
    return yield* run.pipe(Effect.onInterrupt(() => whenStopped))
  })
