import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const projectRoot = fileURLToPath(new URL("../..", import.meta.url))

/** Opens the database in a child process and exits 3 with DuckDB's words when it cannot. */
const probe = `
import { DuckDBInstance } from "@duckdb/node-api"
try {
  const instance = await DuckDBInstance.create(process.argv[1])
  instance.closeSync()
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(3)
}
`

/**
 * Why another process cannot open the DuckDB file at `path` (DuckDB's "Could not set lock on
 * file" while this process holds it open), or undefined when it can. A process's own locks
 * do not stop it from opening the file again, so only another process can tell whether this
 * one still holds the database: DuckDB releases the lock when its instance and every
 * connection to it are closed.
 */
export const lockHeldOn = (path: string): string | undefined => {
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", probe, path], {
    cwd: projectRoot,
    encoding: "utf8",
    timeout: 60_000,
  })
  if (result.status === 0) return undefined
  return result.stderr.split("\n")[0] || `probe exited with ${result.status}`
}
