import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../support/run-cli.js"

/**
 * A configuration repository with files that cannot be read — a dangling symbolic link, a
 * file without read permission — and a failure no command expects: one line on stderr naming
 * the file (or the failure), never a stack trace on stdout, and the rest of the work done.
 */

/**
 * Whether this process reads a file whatever its permissions (root, CAP_DAC_OVERRIDE): then
 * chmod 000 does not make a file unreadable, and the cases built on it cannot happen here.
 */
const readsThroughPermissions = (() => {
  const folder = mkdtempSync(Path.join(tmpdir(), "slipstream-chmod-"))
  const file = Path.join(folder, "probe.toml")
  writeFileSync(file, "")
  chmodSync(file, 0o000)
  try {
    readFileSync(file)
    return true
  } catch {
    return false
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
})()
const unlessRoot = it.skipIf(readsThroughPermissions)

let folder = ""
let db = ""
/** A metric-hub checkout: definitions/, jetstream/ with experiment configs. */
let repo = ""

const experiments = "config/demo/experiments.json"
const jetstream = () => Path.join(repo, "jetstream")

beforeAll(() => {
  folder = mkdtempSync(Path.join(tmpdir(), "slipstream-unreadable-"))
  db = Path.join(folder, "demo.duckdb")
  expect(runCli(["demo-data", "--clients", "3000", "--db", db]).status).toBe(0)
}, 120_000)

afterAll(() => {
  // A folder holding an unreadable file is still removable; its files need no permission.
  rmSync(folder, { recursive: true, force: true })
})

/** A fresh repository: a readable experiment config and definitions, and what `add` puts in. */
const freshRepo = (name: string, add: () => void) => {
  repo = Path.join(folder, name)
  mkdirSync(Path.join(repo, "definitions"), { recursive: true })
  mkdirSync(jetstream(), { recursive: true })
  copyFileSync(
    "config/demo-new-tab-layout.toml",
    Path.join(jetstream(), "demo-new-tab-layout.toml"),
  )
  add()
}

const dangling = (file: string) => symlinkSync(Path.join(folder, "no-such-target.toml"), file)
const locked = (file: string) => {
  copyFileSync("config/demo-sidebar-onboarding.toml", file)
  chmodSync(file, 0o000)
}

/** The run on a date when demo-new-tab-layout is due and demo-sidebar-onboarding is looked at. */
const runWith = (repository: string) =>
  runCli([
    "run",
    "--date",
    "2026-10-12",
    "--duckdb-path",
    db,
    "--experiments-file",
    experiments,
    "--config-repo",
    repository,
    "--analysis-periods",
    "overall",
    "--metric",
    "active_hours",
    "--output-dir",
    Path.join(folder, "out"),
    "--json",
  ])

describe("validate-config and a file that cannot be read", () => {
  it("FOLDER: each file is reported, the dangling link as FAIL with why, the others checked", () => {
    freshRepo("dangling-validate", () => {
      dangling(Path.join(jetstream(), "demo-sidebar-onboarding.toml"))
      dangling(Path.join(repo, "definitions", "fenix.toml"))
    })
    const result = runCli(["validate-config", repo])
    expect(result.status).toBe(1)
    expect(result.stdout.split("\n")).toEqual([
      `FAIL ${repo}/definitions/fenix.toml [definitions (fenix)]`,
      `       cannot be read: a symbolic link to ${folder}/no-such-target.toml, which does not exist`,
      `OK   ${repo}/jetstream/demo-new-tab-layout.toml [experiment config (demo-new-tab-layout), resolved for firefox_desktop]`,
      `FAIL ${repo}/jetstream/demo-sidebar-onboarding.toml [experiment config (demo-sidebar-onboarding)]`,
      `       cannot be read: a symbolic link to ${folder}/no-such-target.toml, which does not exist`,
      "",
    ])
    expect(result.stderr).toBe("1 valid, 2 invalid, 0 warnings\n")
  })

  unlessRoot("FOLDER: a file without read permission FAILs with 'permission denied'", () => {
    freshRepo("locked-validate", () =>
      locked(Path.join(jetstream(), "demo-sidebar-onboarding.toml")),
    )
    const result = runCli(["validate-config", "--json", repo])
    expect(result.status).toBe(1)
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({ file: `${repo}/jetstream/demo-new-tab-layout.toml`, ok: true }),
      {
        file: `${repo}/jetstream/demo-sidebar-onboarding.toml`,
        role: "experiment config (demo-sidebar-onboarding)",
        ok: false,
        errors: [{ path: "", message: "cannot be read: permission denied" }],
      },
    ])
  })

  it("an unreadable file in a --config-repo does not stop checking the files named", () => {
    freshRepo("dangling-context", () =>
      dangling(Path.join(jetstream(), "demo-sidebar-onboarding.toml")),
    )
    const result = runCli([
      "validate-config",
      "--config-repo",
      repo,
      Path.join(jetstream(), "demo-new-tab-layout.toml"),
    ])
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^OK {3}/)
    expect(result.stderr).toBe("1 valid, 0 invalid, 0 warnings\n")
  })
})

describe("run and a file that cannot be read", () => {
  it("a dangling experiment config: that experiment is not analysed, with why; a dangling definitions file is an error; the rest runs (exit 1)", () => {
    freshRepo("dangling-run", () => {
      dangling(Path.join(jetstream(), "demo-sidebar-onboarding.toml"))
      dangling(Path.join(repo, "definitions", "fenix.toml"))
    })
    const result = runWith(repo)
    expect(result.status).toBe(1)
    const summary = JSON.parse(result.stdout)
    expect(summary).toMatchObject({
      analysed: ["demo-new-tab-layout"],
      items: 1,
      invalid: [
        {
          experiment: "demo-sidebar-onboarding",
          reason: `${repo}/jetstream/demo-sidebar-onboarding.toml: cannot be read: a symbolic link to ${folder}/no-such-target.toml, which does not exist`,
        },
      ],
    })
    expect(summary.errors).toEqual([
      expect.objectContaining({
        exceptionType: "UnreadableConfigFile",
        level: "ERROR",
        message: `${repo}/definitions/fenix.toml: cannot be read: a symbolic link to ${folder}/no-such-target.toml, which does not exist; the definitions (fenix) it holds are missing from this run`,
      }),
    ])
    expect(result.stderr).not.toMatch(/^\s+at /m)
    expect(result.stderr).not.toContain("internal error")
  }, 120_000)

  unlessRoot(
    "an experiment config without read permission: not analysed, 'permission denied'",
    () => {
      freshRepo("locked-run", () => locked(Path.join(jetstream(), "demo-sidebar-onboarding.toml")))
      const result = runWith(repo)
      expect(result.status).toBe(1)
      expect(JSON.parse(result.stdout)).toMatchObject({
        analysed: ["demo-new-tab-layout"],
        invalid: [
          {
            experiment: "demo-sidebar-onboarding",
            reason: `${repo}/jetstream/demo-sidebar-onboarding.toml: cannot be read: permission denied`,
          },
        ],
      })
    },
    120_000,
  )
})

describe("an unexpected failure", () => {
  // A configuration folder that is a file stands for any failure no command expects.
  const brokenRepo = () => {
    freshRepo("not-a-folder", () => {
      mkdirSync(Path.join(repo, "jetstream", "outcomes"), { recursive: true })
      writeFileSync(Path.join(repo, "jetstream", "outcomes", "firefox_desktop"), "")
    })
    return repo
  }

  it("is one line on stderr naming it, nothing on stdout (--json stays JSON or empty), exit 70", () => {
    const result = runCli([
      "validate-config",
      "--json",
      "--config-repo",
      brokenRepo(),
      "config/demo-new-tab-layout.toml",
    ])
    expect(result.status).toBe(70)
    expect(result.stdout).toBe("")
    const lines = result.stderr.trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^slipstream: internal error: SystemError: .*outcomes\/firefox_desktop.*ENOTDIR.* \(--log-level debug shows the stack\)$/,
    )
  })

  it("comes with its stack under --log-level debug", () => {
    const result = runCli([
      "validate-config",
      "--log-level",
      "debug",
      "--config-repo",
      brokenRepo(),
      "config/demo-new-tab-layout.toml",
    ])
    expect(result.status).toBe(70)
    expect(result.stdout).toBe("")
    expect(result.stderr).toMatch(/^slipstream: internal error: SystemError: /)
    expect(result.stderr).toMatch(/^\s+at /m)
  })
})
