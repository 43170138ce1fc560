import * as Options from "@effect/cli/Options"

/** `--config-repo DIR`, repeatable: metric-hub checkouts layered over the bundled config. */
export const configRepoOption = Options.directory("config-repo", { exists: "yes" }).pipe(
  Options.withPseudoName("DIR"),
  Options.withDescription("a metric-hub checkout or config folder"),
  Options.withDescription("later ones win"),
  Options.repeated,
)
