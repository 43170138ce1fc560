import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
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
    "The daily run: every experiment live on --date (default yesterday) or ended at most 90 days before, each due analysis window computed and written. Exit 0 when everything ran, 1 when anything failed (the rest still ran).",
  ),
)

const requiredExperiments = Options.text("experiment").pipe(
  Options.repeated,
  Options.withDescription("the experiment to recompute (repeatable, at least one)"),
)

export const rerunCommand = Command.make(
  "rerun",
  { ...runOptions, experiments: requiredExperiments },
  handledBy(() => import("../run-commands.js").then((module) => module.rerunHandler)),
).pipe(
  Command.withDescription(
    "Recompute experiments from scratch: every date from the start to the day after the end, or yesterday; enrollments recreated.",
  ),
)

export const rerunConfigChangedCommand = Command.make(
  "rerun-config-changed",
  runOptions,
  handledBy(() => import("../run-commands.js").then((module) => module.rerunConfigChangedHandler)),
).pipe(
  Command.withDescription(
    "Rerun exactly the experiments whose resolved configuration (custom config, defaults, definitions, outcomes) changed since their results were computed.",
  ),
)
