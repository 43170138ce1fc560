import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { handledBy } from "../handled-by.js"
import {
  dateOption,
  loggingOptions,
  recreateEnrollmentsOption,
  sourceOptions,
  warehouseOptions,
} from "../run-options.js"

// The flags, arguments and description of `slipstream ensure-enrollments`. What it does is in
// ../ensure-enrollments-command.ts, imported when it runs.

const experiment = Options.text("experiment").pipe(Options.withDescription("the experiment"))

const ensureEnrollmentsConfig = {
  ...warehouseOptions,
  ...sourceOptions,
  experiment,
  date: dateOption,
  recreate: recreateEnrollmentsOption,
  ...loggingOptions,
}

export type EnsureEnrollmentsOptions = Command.Command.ParseConfig<typeof ensureEnrollmentsConfig>

export const ensureEnrollmentsCommand = Command.make(
  "ensure-enrollments",
  ensureEnrollmentsConfig,
  handledBy(() =>
    import("../ensure-enrollments-command.js").then((module) => module.ensureEnrollmentsHandler),
  ),
).pipe(
  Command.withDescription(
    "Create an experiment's enrollments table (enrollments_<slug>) unless it exists (--recreate-enrollments: always).",
  ),
)
