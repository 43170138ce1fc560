import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { commandDescription } from "../command-description.js"
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

const experiment = Options.text("experiment").pipe(
  Options.withPseudoName("SLUG"),
  Options.withDescription("the experiment"),
)

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
    commandDescription(
      "create an experiment's enrollments table unless it exists",
      "The table is enrollments_<slug>; --recreate-enrollments rebuilds it anyway.",
    ),
  ),
)
