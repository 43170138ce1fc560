import { spawn } from "node:child_process"
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, join } from "node:path"

/**
 * A real headless Chromium for tests, driven through its command line (--dump-dom,
 * --screenshot) so that no browser-automation package is needed.
 */

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The binaries looked for on PATH, in order, when CHROMIUM_PATH is not set. */
export const chromiumNames = ["chromium", "chromium-browser"] as const

/**
 * The Chromium to use: CHROMIUM_PATH when set (even if wrong, so that a typo is reported
 * rather than silently replaced), else the first of `chromiumNames` on PATH.
 */
export const findChromium = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const configured = env.CHROMIUM_PATH
  if (configured !== undefined && configured !== "") return configured
  const directories = (env.PATH ?? "").split(delimiter).filter((directory) => directory !== "")
  for (const name of chromiumNames) {
    for (const directory of directories) {
      const candidate = join(directory, name)
      if (isExecutable(candidate)) return candidate
    }
  }
  return undefined
}

/** Whether the tests run in CI, where a missing browser is a failure and not a skip. */
export const inCi = (env: NodeJS.ProcessEnv = process.env): boolean => {
  const value = env.CI
  return value !== undefined && !["", "0", "false"].includes(value.toLowerCase())
}

export const missingChromiumMessage =
  "No Chromium found (looked at $CHROMIUM_PATH, then for chromium and chromium-browser on PATH). " +
  "Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH to the browser's binary."

export interface ChromiumRun {
  readonly stdout: string
  readonly stderr: string
}

/** Flags for a quiet, isolated, headless run inside a container (no sandbox, no GPU, no network chatter). */
const baseFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-dev-shm-usage",
  "--disable-extensions",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--no-default-browser-check",
  "--mute-audio",
  "--hide-scrollbars",
]

/**
 * Runs Chromium once with a throwaway profile. It starts helper processes (zygote,
 * renderer), so it runs in its own process group and a timeout kills the whole group.
 */
export const runChromium = (
  binary: string,
  args: ReadonlyArray<string>,
  timeoutMs = 20_000,
): Promise<ChromiumRun> => {
  const profile = mkdtempSync(join(tmpdir(), "slipstream-chromium-"))
  return new Promise<ChromiumRun>((resolve, reject) => {
    const child = spawn(binary, [...baseFlags, `--user-data-dir=${profile}`, ...args], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk))
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL")
        } catch {
          child.kill("SIGKILL")
        }
      }
    }, timeoutMs)
    let finished = false
    const finish = (error: Error | undefined) => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      rmSync(profile, { recursive: true, force: true })
      const run = {
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      }
      if (error === undefined) resolve(run)
      else
        reject(new Error(`${error.message}\n--- chromium stderr ---\n${run.stderr.slice(-4000)}`))
    }
    child.on("error", (error) => finish(new Error(`could not start ${binary}: ${error.message}`)))
    child.on("close", (code, signal) => {
      if (timedOut) finish(new Error(`${binary} did not finish within ${timeoutMs} ms`))
      else if (code !== 0) finish(new Error(`${binary} exited with ${code ?? signal}`))
      else finish(undefined)
    })
  })
}

/** The DOM of a page after its scripts ran, serialised as HTML. */
export const dumpDom = async (binary: string, url: string, timeoutMs?: number): Promise<string> =>
  (await runChromium(binary, ["--dump-dom", url], timeoutMs)).stdout

/** A PNG of the page's first `width` × `height` pixels. */
export const screenshot = async (
  binary: string,
  url: string,
  path: string,
  size: { readonly width: number; readonly height: number } = { width: 1280, height: 2000 },
  timeoutMs?: number,
): Promise<void> => {
  await runChromium(
    binary,
    [`--screenshot=${path}`, `--window-size=${size.width},${size.height}`, url],
    timeoutMs,
  )
}
