import { Data } from "effect"

/**
 * A builder was asked for SQL it cannot write: a request that configuration validation
 * should have refused (a Glean query without an app id, a threshold pre-treatment without
 * its threshold). Builders return it (Either) instead of throwing, so the unit that asked
 * fails alone, as a problem that names it.
 */
export class SqlBuildError extends Data.TaggedError("SqlBuildError")<{
  readonly message: string
}> {}
