import { execFileSync } from "node:child_process"
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

/**
 * Vitest's global setup: the CLI tests run the built CLI (dist/cli/main.js), as people run
 * it and 1.5 s faster per run than from source through tsx. It is rebuilt first when any
 * source it is built from is newer (CI's `npm ci` has just built it: nothing to do there).
 */

const projectRoot = fileURLToPath(new URL("../..", import.meta.url))
const builtCli = join(projectRoot, "dist", "cli", "main.js")
const sources = ["src", "scripts", "package.json", "tsconfig.json", "tsconfig.build.json"]

const newestChange = (path: string): number => {
  const stats = statSync(path)
  if (!stats.isDirectory()) return stats.mtimeMs
  return readdirSync(path).reduce(
    (newest, entry) => Math.max(newest, newestChange(join(path, entry))),
    stats.mtimeMs,
  )
}

export default function buildCliIfStale(): void {
  const built = existsSync(builtCli) ? statSync(builtCli).mtimeMs : 0
  const changed = Math.max(
    ...sources
      .map((source) => join(projectRoot, source))
      .filter(existsSync)
      .map(newestChange),
  )
  if (changed <= built) return
  process.stderr.write("dist/cli/main.js is older than its sources: npm run build\n")
  execFileSync("npm", ["run", "--silent", "build"], { cwd: projectRoot, stdio: "inherit" })
}
