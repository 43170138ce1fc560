import { Data } from "effect"

/**
 * The experiment source as a whole could not be read: unreachable, an HTTP error, invalid
 * JSON, a missing file. Kept apart from the Tag so the backends can fail with it without
 * importing the module that imports them.
 */
export class ExperimentSourceError extends Data.TaggedError("ExperimentSourceError")<{
  /** The URL or file path that failed. */
  readonly source: string
  readonly message: string
  /** What was thrown underneath, for whoever debugs (Error's own `cause`). */
  readonly cause?: unknown
}> {}
