#!/usr/bin/env node
import * as Command from "@effect/cli/Command"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect } from "effect"
import { validateConfigCommand } from "./validate-config-command.js"

const slipstream = Command.make("slipstream").pipe(
  Command.withDescription(
    "Analyse online controlled experiments (A/B tests), the way Jetstream does.",
  ),
  Command.withSubcommands([validateConfigCommand]),
)

const cli = Command.run(slipstream, { name: "slipstream", version: "0.1.0" })

cli(process.argv).pipe(
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({
    disablePrettyLogger: true,
    teardown: (exit, onExit) => onExit(exit._tag === "Failure" ? 2 : Number(process.exitCode ?? 0)),
  }),
)
