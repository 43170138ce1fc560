import { Cause, Effect, Option, Stream } from "effect"
import {
  Defect,
  type Problem,
  type ProblemPlace,
  type ProblemRecorder,
  problemFrom,
} from "./problem.js"

/**
 * Containment: each unit of a run — an experiment, a window, a summary — runs under a
 * boundary that turns whatever stops it into a problem of that unit, so the others complete.
 * "Whatever" means a typed failure and a defect alike: an exception thrown where none was
 * expected, a rejected promise, `Effect.die`. The defect's stack goes to the problem's
 * `exception` (the logs table's column). Interruption is not a problem: Ctrl-C and SIGTERM
 * interrupt the run's fibers, and a boundary lets that interruption through, so the run stops.
 */

/** `effect` with its defects as `Defect` failures; an interruption still interrupts. */
export const defectsAsFailures = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
): Effect.Effect<A, E | Defect, R> =>
  Effect.catchAllDefect(effect, (defect) => Effect.fail(new Defect({ defect })))

/**
 * A unit's boundary: `unit`'s value, or — when it fails or dies — what `recover` makes of the
 * problem at `place`. Never fails; interruption propagates.
 */
export const containedAt = <A, E, R, B, R2>(
  place: ProblemPlace,
  recordedBy: ProblemRecorder,
  unit: Effect.Effect<A, E, R>,
  recover: (problem: Problem) => Effect.Effect<B, never, R2>,
): Effect.Effect<A | B, never, R | R2> =>
  defectsAsFailures(unit).pipe(
    Effect.catchAll((error) => problemFrom(place, error, recordedBy).pipe(Effect.flatMap(recover))),
  )

/**
 * A stream's boundary: once `stream` fails or dies, what `recover` makes of the problem at
 * `place` follows the elements it had emitted. Never fails; interruption propagates.
 */
export const containedStream = <A, E, R, B, R2>(
  place: ProblemPlace,
  recordedBy: ProblemRecorder,
  stream: Stream.Stream<A, E, R>,
  recover: (problem: Problem) => Stream.Stream<B, never, R2>,
): Stream.Stream<A | B, never, R | R2> =>
  Stream.catchAllCause(stream, (cause) => {
    const failure = Option.orElse(Cause.failureOption(cause), () =>
      Option.map(Cause.dieOption(cause), (defect) => new Defect({ defect })),
    )
    return Option.match(failure, {
      // Interrupted (or nothing): not a problem of this unit; the run is stopping.
      onNone: () => Stream.failCause(Cause.stripFailures(cause)),
      onSome: (error) =>
        Stream.unwrap(problemFrom(place, error, recordedBy).pipe(Effect.map(recover))),
    })
  })
