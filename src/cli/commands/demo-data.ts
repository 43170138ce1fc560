import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { commandDescription } from "../command-description.js"
import { defaultDuckDbPath } from "../defaults.js"
import { handledBy } from "../handled-by.js"
import { withDefaultShown } from "../option-help.js"
import { between } from "../run-options.js"

// The flags, arguments and description of `slipstream demo-data`. What it does is in
// ../demo-data-command.ts, imported when it runs.

const clients = Options.integer("clients").pipe(
  Options.withPseudoName("N"),
  Options.withDescription("how many clients to generate"),
  withDefaultShown(100_000, "100,000"),
  between("clients", 1, 10_000_000, "rows of generated telemetry, about 40 per client"),
)
const seed = Options.integer("seed").pipe(
  Options.withPseudoName("N"),
  Options.withDescription("the same seed writes the same telemetry"),
  withDefaultShown(1),
)
const db = Options.text("db").pipe(
  Options.withPseudoName("FILE"),
  Options.withDescription("the DuckDB database to write, created if absent"),
  withDefaultShown(defaultDuckDbPath),
)

const replace = Options.boolean("replace").pipe(
  Options.withDescription("delete the Slipstream results the database holds, instead of refusing"),
)

const demoDataConfig = { clients, seed, db, replace }

export type DemoDataOptions = Command.Command.ParseConfig<typeof demoDataConfig>

export const demoDataCommand = Command.make(
  "demo-data",
  demoDataConfig,
  handledBy(() => import("../demo-data-command.js").then((module) => module.demoDataHandler)),
).pipe(
  Command.withDescription(
    commandDescription(
      "write the demo warehouse, generated telemetry with known effects, in DuckDB",
      "Enrollment and exposure events and daily client activity for the demo experiments of config/demo/experiments.json, the same for the same seed. A database that holds Slipstream results (statistics, metrics, enrollments, logs) is refused, exit status 2, unless --replace: new telemetry would leave them inconsistent.",
    ),
  ),
)
