import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { runCli } from "../support/run-cli.js"

const repo = "test/fixtures/metric-hub"

describe("slipstream validate-config", () => {
  it("prints one line per file and exits 0 when all are valid", () => {
    const result = runCli([
      "validate-config",
      "--config-repo",
      repo,
      `${repo}/definitions/fenix.toml`,
      `${repo}/jetstream/defaults/fenix.toml`,
      `${repo}/jetstream/outcomes/fenix/search.toml`,
      `${repo}/jetstream/good-experiment.toml`,
    ])
    expect(result.stdout.trim().split("\n")).toEqual([
      `OK   ${repo}/definitions/fenix.toml [definitions (fenix)]`,
      `OK   ${repo}/jetstream/defaults/fenix.toml [defaults (fenix)]`,
      `OK   ${repo}/jetstream/outcomes/fenix/search.toml [outcome (fenix/search)]`,
      `OK   ${repo}/jetstream/good-experiment.toml [experiment config (good-experiment), resolved for fenix]`,
    ])
    expect(result.stderr).toContain("4 valid, 0 invalid, 0 warnings")
    expect(result.status).toBe(0)
  })

  it("lists every error and warning of a file and exits 1 on an error; --json prints them as data", () => {
    const result = runCli([
      "validate-config",
      "--json",
      "--config-repo",
      repo,
      "--platform",
      "fenix",
      `${repo}/jetstream/bad-experiment.toml`,
    ])
    expect(result.status).toBe(1)
    const reports = JSON.parse(result.stdout)
    expect(reports).toEqual([
      {
        file: `${repo}/jetstream/bad-experiment.toml`,
        role: "experiment config (bad-experiment)",
        ok: false,
        errors: [
          {
            path: "metrics.weekly",
            message: 'unknown metric "uri_counts" (did you mean "uri_count"?)',
          },
        ],
        // What metric-config-parser accepts: the key is ignored, the statistic not computed.
        warnings: [
          {
            path: "metrics.searches.statistics.bootstrap_mean.num_samples",
            message:
              "must be a positive integer of at most 1,000,000 (bootstrap samples); it is not computed",
          },
          {
            path: "experiment.enrolment_period",
            message:
              'unknown key "enrolment_period" (did you mean "enrollment_period"?); it is ignored',
          },
        ],
      },
    ])
    expect(result.stderr).toContain("0 valid, 1 invalid, 2 warnings")
  })

  it("accepts a file with warnings (exit 0, the text lists them) and refuses it with --strict", () => {
    const directory = mkdtempSync(Path.join(tmpdir(), "slipstream-validate-strict-"))
    try {
      const config = Path.join(directory, "good-experiment.toml")
      writeFileSync(
        config,
        `${readFileSync(`${repo}/jetstream/good-experiment.toml`, "utf8")}\n[metrics.active_hours]\ndescriptionn = "typo"\n`,
      )
      const lenient = runCli(["validate-config", "--config-repo", repo, config])
      expect(lenient.status).toBe(0)
      expect(lenient.stdout.trim().split("\n")).toEqual([
        `OK   ${config} [experiment config (good-experiment), resolved for fenix]`,
        '       warning: metrics.active_hours.descriptionn: unknown key "descriptionn" (did you mean "description"?); it is ignored',
      ])
      expect(lenient.stderr).toContain("1 valid, 0 invalid, 1 warning")
      const strict = runCli([
        "validate-config",
        "--strict",
        "--json",
        "--config-repo",
        repo,
        config,
      ])
      expect(strict.status).toBe(1)
      expect(JSON.parse(strict.stdout)).toEqual([
        expect.objectContaining({
          ok: false,
          errors: [expect.objectContaining({ path: "metrics.active_hours.descriptionn" })],
          warnings: [],
        }),
      ])
      expect(strict.stderr).toContain("(--strict: warnings are errors)")
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })

  it("has --help, and rejects a missing file with a usage error", () => {
    const help = runCli(["validate-config", "--help"])
    expect(help.status).toBe(0)
    expect(help.stdout).toContain("--config-repo")
    expect(help.stdout).toContain("--json")
    const missing = runCli(["validate-config", "no/such/file.toml"])
    expect(missing.status).not.toBe(0)
    expect(missing.stdout + missing.stderr).toContain("no/such/file.toml")
  })

  it("writes, with --sql-output-dir, the statements a run would send for each valid experiment config", () => {
    const directory = mkdtempSync(Path.join(tmpdir(), "slipstream-validate-sql-"))
    try {
      const result = runCli([
        "validate-config",
        "--config-repo",
        repo,
        "--sql-output-dir",
        directory,
        `${repo}/jetstream/good-experiment.toml`,
        `${repo}/jetstream/bad-experiment.toml`,
      ])
      expect(result.status).toBe(1)
      expect(result.stderr).toContain(`SQL of 1 experiment config written to ${directory}`)
      expect(readdirSync(directory)).toEqual(["good_experiment"])
      const names = readdirSync(Path.join(directory, "good_experiment"))
      expect(names.some((name) => name.endsWith("-enrollments.sql"))).toBe(true)
      expect(names.some((name) => name.endsWith("-week-1-metrics-enrollments.sql"))).toBe(true)
      expect(names.some((name) => name.includes("push-downs-week-1"))).toBe(true)
      const enrollments = readFileSync(
        Path.join(
          directory,
          "good_experiment",
          names.find((name) => name.endsWith("-enrollments.sql")) ?? "",
        ),
        "utf8",
      )
      // The synthetic experiment's enrollments, from BigQuery's tables, in BigQuery's SQL.
      expect(enrollments).toContain(
        "CREATE OR REPLACE TABLE `project.dataset.enrollments_good_experiment` AS",
      )
      expect(enrollments).toContain("'good-experiment'")
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })

  it("--dry-run checks every statement with ZetaSQL: syntax alone, names and types with --schemas", () => {
    const config = `${repo}/jetstream/good-experiment.toml`
    const syntax = runCli(["validate-config", "--config-repo", repo, "--dry-run", config])
    expect(syntax.status).toBe(0)
    expect(syntax.stderr).toMatch(
      /26 statements of 1 experiment config checked by ZetaSQL \(syntax only: --schemas/,
    )
    const complete = runCli([
      "validate-config",
      "--config-repo",
      repo,
      "--dry-run",
      "--schemas",
      "test/fixtures/bigquery-schemas/fenix.json",
      config,
    ])
    expect(complete.status).toBe(0)
    expect(complete.stderr).toContain(
      "26 statements of 1 experiment config checked by ZetaSQL (names and types)",
    )
    // Tables the config reads that the schemas lack: the enrollments statement fails, and
    // what reads the table it would have made is not reported again.
    const missing = runCli([
      "validate-config",
      "--config-repo",
      repo,
      "--dry-run",
      "--schemas",
      "test/fixtures/bigquery-schemas/telemetry.json",
      "--json",
      config,
    ])
    expect(missing.status).toBe(1)
    expect(JSON.parse(missing.stdout)).toEqual([
      expect.objectContaining({
        ok: false,
        errors: [
          {
            path: "SQL of enrollments of good-experiment",
            message:
              "Table not found: `moz-fx-data-shared-prod.fenix.events_stream` (line 8, column 10)",
          },
        ],
      }),
    ])
  })

  it("refuses --schemas without --dry-run, and a schemas file that does not decode (exit 2)", () => {
    const config = `${repo}/jetstream/good-experiment.toml`
    const alone = runCli([
      "validate-config",
      "--schemas",
      "test/fixtures/bigquery-schemas/fenix.json",
      config,
    ])
    expect(alone.status).toBe(2)
    expect(alone.stderr).toContain("--schemas applies to --dry-run")
    const bad = runCli([
      "validate-config",
      "--dry-run",
      "--schemas",
      `${repo}/jetstream/good-experiment.toml`,
      config,
    ])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain(
      `--schemas ${repo}/jetstream/good-experiment.toml: schemas file: not JSON`,
    )
  })

  it("checks a whole folder in metric-hub's layout", () => {
    const result = runCli(["validate-config", "--config-repo", repo, repo])
    expect(result.status).toBe(1)
    const lines = result.stdout.split("\n").filter((line) => /^(OK|FAIL)/.test(line))
    expect(lines).toHaveLength(7)
    expect(lines.filter((line) => line.startsWith("FAIL"))).toEqual([
      `FAIL ${repo}/jetstream/bad-experiment.toml [experiment config (bad-experiment), resolved for fenix]`,
    ])
  })
})
