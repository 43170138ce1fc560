import type { PlatformError } from "@effect/platform/Error"
import { Console, Effect } from "effect"
import type { ExperimentSourceError } from "../services/experiment-source.js"
import type { ObjectStoreError } from "../services/object-store.js"
import type { WarehouseError } from "../services/warehouse/warehouse.js"
import { setExitCode } from "./exit-code.js"
import type { UsageError } from "./layers.js"

/** Usage errors exit 2; an unreachable source, warehouse or object store exits 1 with its words. */
export const reportRunFailures = <A, R>(
  effect: Effect.Effect<
    A,
    UsageError | ExperimentSourceError | WarehouseError | ObjectStoreError | PlatformError,
    R
  >,
) =>
  effect.pipe(
    Effect.catchTags({
      UsageError: (error) =>
        Console.error(`slipstream: ${error.message}`).pipe(Effect.zipRight(setExitCode(2))),
      ExperimentSourceError: (error) =>
        Console.error(`slipstream: ${error.source}: ${error.message}`).pipe(
          Effect.zipRight(setExitCode(1)),
        ),
      WarehouseError: (error) =>
        Console.error(`slipstream: ${error.purpose}: ${error.message}`).pipe(
          Effect.zipRight(setExitCode(1)),
        ),
      ObjectStoreError: (error) =>
        Console.error(`slipstream: ${error.path}: ${error.message}`).pipe(
          Effect.zipRight(setExitCode(1)),
        ),
      SystemError: (error) =>
        Console.error(`slipstream: ${error.message}`).pipe(Effect.zipRight(setExitCode(1))),
      BadArgument: (error) =>
        Console.error(`slipstream: ${error.message}`).pipe(Effect.zipRight(setExitCode(1))),
    }),
  )
