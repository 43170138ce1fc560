import { availableParallelism } from "node:os"

/**
 * The defaults of the command line's flags. Each is the value its service exports
 * (test/cli/startup.test.ts checks they agree); they are written here because reading the
 * command line must not load the services: each brings its client library with it (DuckDB,
 * Google Cloud, the statistics workers), and `--help` would wait for them.
 */

/** As `defaultDuckDbPath` of services/warehouse/duckdb.ts. */
export const defaultDuckDbPath = "./slipstream.duckdb"

/** As `defaultOutputDirectory` of services/object-store.ts. */
export const defaultOutputDirectory = "./out"

/** As `defaultExperimenterUrl` of services/experiment-source.ts. */
export const defaultExperimenterUrl = "https://experimenter.services.mozilla.com"

/** As `defaultStatisticsThreads` of services/summary-computer.ts: one per core. */
export const defaultStatisticsThreads = availableParallelism()
