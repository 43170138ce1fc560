import { execFile } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { printedText } from "../../src/cli/help-text.js"
import { version } from "../../src/cli/slipstream.js"
import { statisticNames } from "../../src/stats/catalogue/statistic-catalogue.js"
import { slipstreamArgs } from "../support/run-cli.js"

/**
 * What `slipstream` prints for a person: helps in plain text within 100 columns, one line
 * per flag with its default and environment variable, the version, and a mistake on the
 * command line as one line with exit status 2. The helps are checked as the CLI renders them
 * (printedText, what main.ts prints; startup.test.ts checks the built CLI prints the same),
 * and a few through the CLI itself, its output piped.
 */

const projectRoot = fileURLToPath(new URL("../..", import.meta.url))

const commands = [
  "run",
  "rerun",
  "rerun-config-changed",
  "plan",
  "ensure-enrollments",
  "export",
  "demo",
  "validate-config",
  "analyze-table",
  "analyze-aggregates",
  "demo-data",
]

interface Printed {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** `slipstream ...args` (the built CLI), stdout and stderr piped. */
const slipstream = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) =>
  new Promise<Printed>((resolve) => {
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

const helpOf = (command: string): string => printedText([command, "--help"]) ?? ""

/** A flag's entry in a help: its line, and the lines that continue its description. */
const entryOf = (help: string, flag: string): string => {
  const lines = help.split("\n")
  const start = lines.findIndex((line) => line.startsWith(`  ${flag} `) || line === `  ${flag}`)
  if (start < 0) return ""
  const continued = lines.slice(start + 1).findIndex((line) => !/^ {5,}\S/.test(line))
  const end = continued < 0 ? lines.length : start + 1 + continued
  return lines.slice(start, end).join(" ").replace(/\s+/g, " ")
}

/** The flags a help lists, each at the start of its entry. */
const flagsListed = (help: string): ReadonlyArray<string> =>
  help.split("\n").flatMap((line) => line.match(/^ {2}(-h, --help|--[\w-]+)/)?.[1] ?? [])

describe("slipstream's help", () => {
  it("is plain text when piped, whatever the environment says of colour", async () => {
    for (const env of [{}, { FORCE_COLOR: "1" }, { NO_COLOR: "1" }]) {
      const root = await slipstream(["--help"], env)
      expect(root.status).toBe(0)
      expect(root.stdout).toContain("Commands:")
      expect(root.stdout).not.toContain("\x1b")
    }
    const run = await slipstream(["run", "--help"])
    expect(run.stdout).toBe(helpOf("run"))
    expect(run.stdout).not.toContain("\x1b")
  }, 120_000)

  it("fits 100 columns, for slipstream and every command", () => {
    for (const args of [[], ["--help"], ...commands.map((command) => [command, "--help"])]) {
      const help = printedText(args) ?? ""
      expect(help, args.join(" ")).toMatch(/^slipstream /)
      for (const line of help.split("\n")) {
        expect(line.length, `${args.join(" ")}: ${line}`).toBeLessThanOrEqual(100)
      }
      expect(help).not.toContain("\x1b")
    }
  })

  it("lists each command on one line, by its synopsis", () => {
    const root = printedText(["--help"]) ?? ""
    for (const command of commands) {
      const lines = root.split("\n").filter((line) => line.startsWith(`  ${command} `))
      expect(lines, command).toHaveLength(1)
      expect(helpOf(command), command).toMatch(new RegExp(`^slipstream ${command}: \\S`))
    }
  })

  it("analyze-table's lists every statistic of the catalogue", () => {
    const help = helpOf("analyze-table").replace(/\s+/g, " ")
    const listed = /Statistics: ([a-z_, ]+)\./.exec(help)?.[1]?.split(", ")
    expect(listed?.sort()).toEqual([...statisticNames].sort())
  })

  it("has one entry per flag, without @effect/cli's boilerplate", () => {
    for (const command of commands) {
      const help = helpOf(command)
      const flags = flagsListed(help)
      expect(new Set(flags).size, command).toBe(flags.length)
      expect(flags, command).toContain("-h, --help")
      expect(help, command).toMatch(new RegExp(`^Usage: slipstream ${command} `, "m"))
      expect(help, command).not.toMatch(/This (setting|option|argument)|user-defined|One of the/)
      for (const flag of flags) {
        expect(entryOf(help, flag).length, `${command} ${flag}`).toBeGreaterThan(flag.length + 4)
      }
    }
  })

  it("shows each flag's default and environment variable on its line", () => {
    const expected: ReadonlyArray<readonly [string, string, string]> = [
      ["run", "--engine duckdb|bigquery", "(env SLIPSTREAM_ENGINE; default duckdb)"],
      ["run", "--duckdb-path FILE", "(env SLIPSTREAM_DUCKDB_PATH; default ./slipstream.duckdb)"],
      ["run", "--project-id ID", "(env SLIPSTREAM_PROJECT_ID)"],
      ["run", "--concurrency N", "(env SLIPSTREAM_CONCURRENCY; default 2)"],
      ["run", "--threads N", "(env SLIPSTREAM_THREADS; default one per core)"],
      ["run", "--output-dir DIR", "(env SLIPSTREAM_OUTPUT_DIR; default ./out)"],
      ["run", "--config-repo DIR...", "(env SLIPSTREAM_CONFIG_REPOS)"],
      ["run", "--log-level debug|info|warning|error", "(env SLIPSTREAM_LOG_LEVEL; default info)"],
      ["run", "--seed N", "(default 1)"],
      ["run", "--date YYYY-MM-DD", "(default yesterday, UTC)"],
      [
        "plan",
        "--experimenter-url URL",
        "(env SLIPSTREAM_EXPERIMENTER_URL; default https://experimenter.services.mozilla.com)",
      ],
      ["export", "--bucket BUCKET[/PREFIX]", "(env SLIPSTREAM_BUCKET)"],
      ["demo", "--log-level debug|info|warning|error", "default warning)"],
      ["demo", "--clients N", "(default 20,000)"],
      ["demo-data", "--clients N", "(default 100,000)"],
      ["demo-data", "--db FILE", "(default ./slipstream.duckdb)"],
      ["analyze-table", "--seed N", "(default 2026)"],
      ["analyze-table", "--format table|json", "(default table)"],
      ["analyze-table", "--branch-column COLUMN", "(default branch)"],
      ["validate-config", "--sql-output-dir DIR", "(env SLIPSTREAM_SQL_OUTPUT_DIR)"],
    ]
    for (const [command, flag, notes] of expected) {
      const entry = entryOf(helpOf(command), flag.split(" ")[0] ?? "")
      expect(entry, `${command} ${flag}`).toMatch(new RegExp(`^ ?${escaped(flag)} `))
      expect(entry, `${command} ${flag}`).toContain(notes)
    }
    // Most entries are a single line; only a default too long to share one is wrapped.
    const runLines = helpOf("run").split("\n")
    expect(runLines.filter((line) => /^ {5,}\S/.test(line)).length).toBeLessThanOrEqual(3)
  })
})

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

describe("slipstream --version", () => {
  it("prints the package's version", async () => {
    const { version: packageVersion } = JSON.parse(
      readFileSync(`${projectRoot}/package.json`, "utf8"),
    ) as { version: string }
    expect(version).toBe(packageVersion)
    const printed = await slipstream(["--version"])
    expect(printed).toEqual({ status: 0, stdout: `${packageVersion}\n`, stderr: "" })
  }, 60_000)
})

describe("a mistake on the command line", () => {
  const mistakes: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp]> = [
    [["nosuch"], /^slipstream: unknown command 'nosuch' \(see slipstream --help\)$/],
    [
      ["run", "--no-such"],
      /^slipstream run: unknown argument '--no-such' \(see slipstream run --help\)$/,
    ],
    [["plan", "--date"], /^slipstream plan: --date needs a value /],
    [["export", "--concurrency", "x"], /^slipstream export: unknown argument '--concurrency'/],
    [["rerun", "--concurrency", "x"], /^slipstream rerun: --concurrency x: 'x' is not a/],
    [
      ["ensure-enrollments", "--engine", "oracle"],
      /^slipstream ensure-enrollments: --engine oracle: .*duckdb, bigquery/,
    ],
    [["demo", "--clients", "0"], /^slipstream demo: --clients must be between 1 and 10,000,000/],
    [["demo-data", "--seed", "one"], /^slipstream demo-data: --seed one: 'one' is not a/],
    [["analyze-table"], /^slipstream analyze-table: --metric is required; --statistic is required/],
    [["validate-config"], /^slipstream validate-config: Missing argument <FILE> /],
    [
      ["rerun-config-changed", "--log-level", "loud"],
      /^slipstream rerun-config-changed: --log-level loud: /,
    ],
  ]

  it("is one line naming the problem, with exit status 2", async () => {
    for (let start = 0; start < mistakes.length; start += 2) {
      const batch = mistakes.slice(start, start + 2)
      const printed = await Promise.all(batch.map(([args]) => slipstream(args)))
      batch.forEach(([args, message], index) => {
        const { status, stdout, stderr } = printed[index] ?? {
          status: null,
          stdout: "",
          stderr: "",
        }
        expect(status, args.join(" ")).toBe(2)
        expect(stdout, args.join(" ")).toBe("")
        expect(stderr.split("\n"), args.join(" ")).toHaveLength(2)
        expect(stderr.trimEnd(), args.join(" ")).toMatch(message)
        expect(stderr, args.join(" ")).toMatch(/\(see slipstream [\w-]*\s?--help\)\n$/)
      })
    }
  }, 300_000)
})
