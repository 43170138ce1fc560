import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { commandDescription } from "../command-description.js"
import { handledBy } from "../handled-by.js"
import { sqlOutputDirOption } from "../run-options.js"
import { configRepoOption } from "../shared-options.js"

// The flags, arguments and description of `slipstream validate-config`. What it does is in
// ../validate-config-command.ts, imported when it runs.

const files = Args.path({ name: "FILE", exists: "yes" }).pipe(
  Args.atLeast(1),
  Args.withDescription("metric-hub TOML files, each's role from its path, or folders"),
)
const json = Options.boolean("json").pipe(
  Options.withDescription("print [{file, role, ok, errors, warnings}] as JSON"),
)
const strict = Options.boolean("strict").pipe(
  Options.withDescription("warnings are errors: for a configuration repository's CI"),
)
const platform = Options.text("platform").pipe(
  Options.withPseudoName("APP"),
  Options.withDescription("the application configs are resolved for"),
  Options.withDescription("default from their metrics"),
  Options.optional,
)

const dryRun = Options.boolean("dry-run").pipe(
  Options.withDescription("check the SQL a run would send with ZetaSQL, offline"),
)
const schemas = Options.file("schemas", { exists: "yes" }).pipe(
  Options.withPseudoName("FILE"),
  Options.withDescription("the tables' schemas (JSON, as bq show --schema) for --dry-run"),
  Options.optional,
)

const validateConfigConfig = {
  configRepos: configRepoOption,
  json,
  strict,
  platform,
  sqlOutputDir: sqlOutputDirOption,
  dryRun,
  schemas,
  files,
}

export type ValidateConfigOptions = Command.Command.ParseConfig<typeof validateConfigConfig>

export const validateConfigCommand = Command.make(
  "validate-config",
  validateConfigConfig,
  handledBy(() =>
    import("../validate-config-command.js").then((module) => module.validateConfigHandler),
  ),
).pipe(
  Command.withDescription(
    commandDescription(
      "check metric-hub configuration files as metric-config-parser does",
      "Definitions, defaults, outcomes and experiment configs: what metric-config-parser rejects is an error; what it accepts and a person should see (an unknown key, a statistic that cannot be computed, ...) a warning. One line per file on stdout. Exit status 1 when a file has an error, or a warning under --strict.",
      "--dry-run checks, for each valid experiment config, the statements a run would send with GoogleSQL's analyser (ZetaSQL): their syntax, and with --schemas (JSON keyed by table, each as bq show --schema --format=json prints it) their names and types.",
    ),
  ),
)
