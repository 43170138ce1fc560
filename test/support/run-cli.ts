import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const projectRoot = fileURLToPath(new URL("../..", import.meta.url))

export interface CliResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs the real `slipstream` CLI from source in a child process, from the project root,
 * with `env` added to the environment.
 */
export const runCli = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {},
): CliResult => {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: projectRoot,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ...env },
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}
