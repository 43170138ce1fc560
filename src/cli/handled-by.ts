import { Effect } from "effect"

/**
 * A command's handler, imported when the command runs rather than when the command line is
 * read: `slipstream --help` then loads no pipeline, no warehouse client and no other
 * command. The argument imports the module and picks the handler, e.g.
 * `handledBy(() => import("../plan-command.js").then((module) => module.planHandler))`.
 * A module that cannot be imported is a defect: an internal error, exit status 70.
 */
export const handledBy =
  <Options, A, E, R>(load: () => Promise<(options: Options) => Effect.Effect<A, E, R>>) =>
  (options: Options): Effect.Effect<A, E, R> =>
    Effect.flatMap(Effect.promise(load), (handler) => handler(options))
