import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { commandDescription } from "../command-description.js"
import { handledBy } from "../handled-by.js"
import {
  concurrencyOption,
  configFileOption,
  dateOption,
  experimentOption,
  jsonOption,
  loggingOptions,
  metricOption,
  periodsOption,
  publishOptions,
  recreateEnrollmentsOption,
  seedOption,
  sourceOptions,
  sqlOutputDirOption,
  statisticsOnlyOption,
  threadsOption,
  warehouseOptions,
} from "../run-options.js"

// The flags, arguments and description of `slipstream run`, `rerun` and `rerun-config-changed`.
// What it does is in ../run-commands.ts, imported when it runs.

const runOptions = {
  ...warehouseOptions,
  ...sourceOptions,
  ...publishOptions,
  concurrency: concurrencyOption,
  threads: threadsOption,
  ...loggingOptions,
  experiments: experimentOption,
  periods: periodsOption,
  metrics: metricOption,
  statisticsOnly: statisticsOnlyOption,
  recreateEnrollments: recreateEnrollmentsOption,
  configFile: configFileOption,
  seed: seedOption,
  sqlOutputDir: sqlOutputDirOption,
  json: jsonOption,
}

/** The options of run, rerun and rerun-config-changed. */
export type RunCommandOptions = Command.Command.ParseConfig<typeof runOptions>

const runConfig = { ...runOptions, date: dateOption }

export type RunOptions = Command.Command.ParseConfig<typeof runConfig>

export const runCommand = Command.make(
  "run",
  runConfig,
  handledBy(() => import("../run-commands.js").then((module) => module.runHandler)),
).pipe(
  Command.withDescription(
    commandDescription(
      "the daily run: each due analysis window of the experiments live on a date",
      "Every experiment live on --date or ended at most 90 days before: its due analysis windows computed and written to the warehouse, then published. Exit status 0 when everything ran, 1 when anything failed (the rest still ran), 2 on a usage error.",
    ),
  ),
)

const requiredExperiments = Options.text("experiment").pipe(
  Options.withPseudoName("SLUG"),
  Options.withDescription("the experiment to recompute (repeatable, at least one)"),
  Options.repeated,
)

export const rerunCommand = Command.make(
  "rerun",
  { ...runOptions, experiments: requiredExperiments },
  handledBy(() => import("../run-commands.js").then((module) => module.rerunHandler)),
).pipe(
  Command.withDescription(
    commandDescription(
      "recompute experiments from scratch, every date of each",
      "Every date from the experiment's start to the day after its end, or to yesterday; its enrollments recreated.",
    ),
  ),
)

export const rerunConfigChangedCommand = Command.make(
  "rerun-config-changed",
  runOptions,
  handledBy(() => import("../run-commands.js").then((module) => module.rerunConfigChangedHandler)),
).pipe(
  Command.withDescription(
    commandDescription(
      "rerun the experiments whose configuration changed since their results",
      "The resolved configuration: the experiment's own config, the defaults, definitions and outcomes it uses.",
    ),
  ),
)
