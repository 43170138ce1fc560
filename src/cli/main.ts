#!/usr/bin/env node
import { prerenderedOutput } from "./prerendered.js"

/*
 * A help or the version is printed from the text the build rendered with this very CLI
 * (prerendered.ts): Effect and @effect/cli take longer to load than a help should take. Any
 * other invocation runs the CLI, which loads only the definitions of the commands and, when
 * one runs, its handler (handled-by.ts).
 */
const output = prerenderedOutput(process.argv.slice(2))
if (output === undefined) {
  const { runCli } = await import("./run-cli.js")
  runCli(process.argv)
} else {
  process.stdout.write(output)
}
