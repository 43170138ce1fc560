import type { FileSystem } from "@effect/platform/FileSystem"
import { Context, Effect, Layer } from "effect"
import type { Experiment, ExperimentRecordError } from "../domain/experiment.js"
import type { ExperimentSourceError } from "./experiment-source/error.js"
import { type HttpSourceOptions, makeHttpSource } from "./experiment-source/http.js"
import { fromListing, makeLocalSource } from "./experiment-source/local.js"

export { ExperimentSourceError } from "./experiment-source/error.js"
export type { HttpSourceOptions } from "./experiment-source/http.js"

/** Mozilla's Experimenter, the source of record for Firefox experiments. */
export const defaultExperimenterUrl = "https://experimenter.services.mozilla.com"

/**
 * Where the experiments to analyse come from: Experimenter's v8 API, exported JSON on disk,
 * or a list in memory. The pipeline sees only this interface, so a run can be replayed
 * offline against a snapshot of Experimenter.
 */
export class ExperimentSource extends Context.Tag("slipstream/ExperimentSource")<
  ExperimentSource,
  {
    /** Every experiment the source knows; records that do not decode are returned as errors, never fail the list. */
    readonly list: Effect.Effect<
      {
        readonly experiments: ReadonlyArray<Experiment>
        readonly errors: ReadonlyArray<ExperimentRecordError>
      },
      ExperimentSourceError
    >
    /** One experiment by slug; ExperimentSourceError when it is unknown (404) or undecodable. */
    readonly get: (slug: string) => Effect.Effect<Experiment, ExperimentSourceError>
  }
>() {
  /** Experimenter's v8 API at `baseUrl`, retrying transient failures (timeouts, 5xx, 429). */
  static readonly http = (options: HttpSourceOptions): Layer.Layer<ExperimentSource> =>
    Layer.succeed(ExperimentSource, makeHttpSource(options))

  /** A JSON file of v8 records, or a directory of them; re-read on every call. */
  static readonly local = (path: string): Layer.Layer<ExperimentSource, never, FileSystem> =>
    Layer.effect(ExperimentSource, makeLocalSource(path))

  /** A fixed list, for programs that embed Slipstream and for tests. */
  static readonly inMemory = (
    experiments: ReadonlyArray<Experiment>,
  ): Layer.Layer<ExperimentSource> =>
    Layer.succeed(
      ExperimentSource,
      fromListing("memory", Effect.succeed({ experiments, errors: [] })),
    )
}
