import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { defaultDuckDbPath } from "../defaults.js"
import { handledBy } from "../handled-by.js"
import { between } from "../run-options.js"

// The flags, arguments and description of `slipstream demo-data`. What it does is in
// ../demo-data-command.ts, imported when it runs.

const clients = Options.integer("clients").pipe(
  Options.withDefault(100_000),
  between("clients", 1, 10_000_000, "rows of generated telemetry, about 40 per client"),
  Options.withDescription("how many clients to generate"),
)
const seed = Options.integer("seed").pipe(
  Options.withDefault(1),
  Options.withDescription("the same seed writes the same telemetry"),
)
const db = Options.text("db").pipe(
  Options.withDefault(defaultDuckDbPath),
  Options.withDescription("the DuckDB database file to write (created if absent)"),
)

const replace = Options.boolean("replace").pipe(
  Options.withDescription(
    "when the database holds Slipstream results (statistics, metrics, enrollments, logs), delete them with the old telemetry instead of refusing",
  ),
)

const demoDataConfig = { clients, seed, db, replace }

export type DemoDataOptions = Command.Command.ParseConfig<typeof demoDataConfig>

export const demoDataCommand = Command.make(
  "demo-data",
  demoDataConfig,
  handledBy(() => import("../demo-data-command.js").then((module) => module.demoDataHandler)),
).pipe(
  Command.withDescription(
    "Write a deterministic demo warehouse (DuckDB): enrollment and exposure events and daily client activity for the demo experiments of config/demo/experiments.json, with known injected effects. Refuses (exit 2) a database that holds Slipstream results, unless --replace.",
  ),
)
