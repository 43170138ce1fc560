import * as Command from "@effect/cli/Command"
import { commandDescription } from "../command-description.js"
import { handledBy } from "../handled-by.js"
import {
  configFileOption,
  datasetIdOption,
  dateOption,
  engineOption,
  experimentOption,
  jsonOption,
  projectIdOption,
  sourceOptions,
  sqlOutputDirOption,
} from "../run-options.js"

// The flags, arguments and description of `slipstream plan`. What it does is in
// ../plan-command.ts, imported when it runs.

const planConfig = {
  ...sourceOptions,
  date: dateOption,
  experiments: experimentOption,
  configFile: configFileOption,
  engine: engineOption,
  projectId: projectIdOption,
  datasetId: datasetIdOption,
  sqlOutputDir: sqlOutputDirOption,
  json: jsonOption,
}

export type PlanOptions = Command.Command.ParseConfig<typeof planConfig>

export const planCommand = Command.make(
  "plan",
  planConfig,
  handledBy(() => import("../plan-command.js").then((module) => module.planHandler)),
).pipe(
  Command.withDescription(
    commandDescription(
      "show what a run on a date would do, without running it",
      "Each experiment's due windows, or why it is not analysed (readiness, skip, rollout, invalid configuration). With --sql-output-dir, also write every statement the run would send. Exit status 1 when a configuration is invalid.",
    ),
  ),
)
