import * as Command from "@effect/cli/Command"
import { commandDescription } from "../command-description.js"
import { handledBy } from "../handled-by.js"
import {
  experimentOption,
  jsonOption,
  loggingOptions,
  publishOptions,
  sourceOptions,
  warehouseOptions,
} from "../run-options.js"

// The flags, arguments and description of `slipstream export`. What it does is in
// ../export-command.ts, imported when it runs.

const exportConfig = {
  ...warehouseOptions,
  ...sourceOptions,
  ...publishOptions,
  ...loggingOptions,
  experiments: experimentOption,
  json: jsonOption,
}

export type ExportOptions = Command.Command.ParseConfig<typeof exportConfig>

export const exportCommand = Command.make(
  "export",
  exportConfig,
  handledBy(() => import("../export-command.js").then((module) => module.exportHandler)),
).pipe(
  Command.withDescription(
    commandDescription(
      "publish experiments' results as JSON and HTML reports",
      "Every experiment with statistics, or each --experiment: statistics_<slug>_<period>.json, metadata_<slug>.json, errors_<slug>.json and the HTML report, to --output-dir or --bucket. Files whose content is unchanged are not rewritten.",
    ),
  ),
)
