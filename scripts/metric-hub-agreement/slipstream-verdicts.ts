// Slipstream's verdict on each metric-hub file given, in the context of a metric-hub checkout,
// as JSON lines {file, ok, errors, warnings}: what validate-config decides, without the CLI.
// Usage: node --import tsx scripts/metric-hub-agreement/slipstream-verdicts.ts REPO FILE...
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { validateConfigFiles } from "../../src/pipeline/validate-config.js"
import { ConfigRepository } from "../../src/services/config-repository.js"

const [repository, ...files] = process.argv.slice(2)
if (repository === undefined) throw new Error("usage: slipstream-verdicts.ts REPO FILE...")
const reports = await Effect.runPromise(
  validateConfigFiles(files).pipe(
    Effect.provide(ConfigRepository.fromDirectories([repository])),
    Effect.provide(NodeContext.layer),
  ),
)
for (const { file, ok, errors, warnings } of reports) {
  process.stdout.write(`${JSON.stringify({ file, ok, errors, warnings })}\n`)
}
