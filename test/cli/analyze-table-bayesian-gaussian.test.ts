import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import type { StatisticResult } from "../../src/domain/statistic-result.js"
import { runCli } from "../support/run-cli.js"

/**
 * `analyze-table --statistic bayesian_gaussian`: the statistic and its parameters come from
 * the catalogue, so the CLI takes them as it takes any other's. Each case runs the CLI from
 * source (a few seconds a process).
 */
const folder = mkdtempSync(Path.join(tmpdir(), "slipstream-bayesian-cli-"))
afterAll(() => rmSync(folder, { recursive: true, force: true }))
const file = Path.join(folder, "clients.csv")
/** 300 clients a branch; the treatment's values are those of control plus one (a mean of 5). */
writeFileSync(
  file,
  [
    "branch,hours",
    ...Array.from({ length: 600 }, (_, client) => {
      const value = (client * 37) % 11
      return client % 2 === 0 ? `control,${value}` : `treatment,${value + 1}`
    }),
  ].join("\n"),
)

describe("analyze-table --statistic bayesian_gaussian", () => {
  it("runs with --param prior_stddev=0.3 and prints chance_to_beat rows", () => {
    const args = ["--metric", "hours", "--statistic", "bayesian_gaussian", "--format", "json"]
    const result = runCli(["analyze-table", file, ...args, "--param", "prior_stddev=0.3"])
    expect(result.stderr).toBe("")
    expect(result.status).toBe(0)
    const rows = (JSON.parse(result.stdout) as ReadonlyArray<StatisticResult>).filter(
      (row) => row.statistic === "bayesian_gaussian",
    )
    const chance = rows.find(
      (row) => row.comparison === "chance_to_beat" && row.branch === "treatment",
    )
    expect(chance).toMatchObject({ comparison_to_branch: "control", lower: null, upper: null })
    expect(chance?.point).toBeGreaterThan(0.99)
    const uplift = rows.find(
      (row) => row.comparison === "relative_uplift" && row.branch === "treatment",
    )
    // The observed uplift is 1/5, shrunk a little towards 0 by the prior N(0, 0.3²).
    expect(uplift?.point).toBeGreaterThan(0.18)
    expect(uplift?.point).toBeLessThan(0.2)
  })

  it("refuses prior_mean without prior_stddev, a usage error (exit 2)", () => {
    const result = runCli([
      "analyze-table",
      file,
      "--metric",
      "hours",
      "--statistic",
      "bayesian_gaussian",
      "--param",
      "prior_mean=0.1",
    ])
    expect(result.status).toBe(2)
    expect(result.stderr.trim()).toBe(
      "slipstream analyze-table: invalid bayesian_gaussian: prior_mean needs prior_stddev (without it the prior is flat)",
    )
  })
})
