import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { handledBy } from "../handled-by.js"
import { sqlOutputDirOption } from "../run-options.js"
import { configRepoOption } from "../shared-options.js"

// The flags, arguments and description of `slipstream validate-config`. What it does is in
// ../validate-config-command.ts, imported when it runs.

const files = Args.path({ name: "FILE", exists: "yes" }).pipe(
  Args.atLeast(1),
  Args.withDescription(
    "metric-hub TOML files (the role of each comes from its path), or folders to check whole",
  ),
)
const json = Options.boolean("json").pipe(
  Options.withDescription(
    "print [{file, role, ok, errors: [{path, message}], warnings: [{path, message}]}] as JSON",
  ),
)
const strict = Options.boolean("strict").pipe(
  Options.withDescription(
    "treat warnings (unknown keys, statistics that cannot be computed, ...) as errors: for a configuration repository's CI",
  ),
)
const platform = Options.text("platform").pipe(
  Options.optional,
  Options.withDescription(
    "the application experiment configs are resolved for (default: inferred from the metrics they use)",
  ),
)

const dryRun = Options.boolean("dry-run").pipe(
  Options.withDescription(
    "check the SQL a run would send for each valid experiment config with GoogleSQL's analyser (ZetaSQL), offline: syntax, and names and types with --schemas",
  ),
)
const schemas = Options.file("schemas", { exists: "yes" }).pipe(
  Options.optional,
  Options.withDescription(
    "JSON of the tables the SQL reads, keyed by table, each as `bq show --schema --format=json` prints it (with --dry-run)",
  ),
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
    "Check metric-hub configuration files (definitions, defaults, outcomes, experiment configs) as metric-config-parser does: what it rejects is an error, what it accepts and a person should see (an unknown key, ...) a warning. Exit status 1 when any file has an error, or a warning with --strict.",
  ),
)
