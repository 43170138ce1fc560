import { execFile, spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const projectRoot = fileURLToPath(new URL("../..", import.meta.url))

/**
 * Node's arguments that start `slipstream`: the built CLI, which test/support/fresh-build.ts
 * rebuilds before the tests when its sources changed.
 */
export const slipstreamArgs: ReadonlyArray<string> = [
  fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url)),
]

export interface CliResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs the real `slipstream` CLI (`slipstreamArgs`) in a child process, from the project
 * root, with `env` added to the environment.
 */
export const runCli = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {},
): CliResult => {
  const result = spawnSync(process.execPath, [...slipstreamArgs, ...args], {
    cwd: projectRoot,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ...env },
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/**
 * `runCli` without blocking: runs started together share the cores, so a test file of
 * several runs takes about the longest one's time rather than their sum.
 */
export const runCliAsync = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {},
): Promise<CliResult> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [...slipstreamArgs, ...args],
      { cwd: projectRoot, encoding: "utf8", timeout: 120_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : null
        resolve({ status, stdout, stderr })
      },
    )
  })
