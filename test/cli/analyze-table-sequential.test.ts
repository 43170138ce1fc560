import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import type { StatisticResult } from "../../src/domain/statistic-result.js"
import { runCli } from "../support/run-cli.js"

/** 2 × 200 clients with values 0–9 in turn; treatment adds 1. */
const folder = mkdtempSync(join(tmpdir(), "slipstream-sequential-"))
const table = join(folder, "clients.csv")
const lines = ["client_id,branch,hours"]
for (let client = 0; client < 400; client++) {
  const treated = client % 2 === 1
  lines.push(`c${client},${treated ? "treatment" : "control"},${(client % 10) + (treated ? 1 : 0)}`)
}
writeFileSync(table, `${lines.join("\n")}\n`)

const tTestRows = (...parameters: ReadonlyArray<string>) =>
  runCli([
    "analyze-table",
    table,
    "--format",
    "json",
    "--metric",
    "hours",
    "--statistic",
    "t_test",
    ...parameters.flatMap((parameter) => ["--param", parameter]),
  ])

const differenceOf = (stdout: string) =>
  (JSON.parse(stdout) as ReadonlyArray<StatisticResult>).find(
    (row) => row.branch === "treatment" && row.comparison === "difference",
  )

describe("analyze-table --param sequential", () => {
  it("reads sequential=true as the boolean TOML would give, widens the interval, and names the rows t_test_sequential", () => {
    const fixed = tTestRows()
    const sequential = tTestRows("sequential=true", "sequential_tuning=400")
    expect(fixed.status).toBe(0)
    expect(sequential.status).toBe(0)
    const fixedRow = differenceOf(fixed.stdout)
    const sequentialRow = differenceOf(sequential.stdout)
    expect(sequentialRow?.point).toBeCloseTo(fixedRow?.point ?? Number.NaN, 12)
    expect(sequentialRow?.lower ?? Number.NaN).toBeLessThan(fixedRow?.lower ?? Number.NaN)
    expect(sequentialRow?.upper ?? Number.NaN).toBeGreaterThan(fixedRow?.upper ?? Number.NaN)
    expect([fixedRow?.statistic, sequentialRow?.statistic]).toEqual(["t_test", "t_test_sequential"])
  })

  it("refuses what is not true or false, as a usage error", () => {
    const result = tTestRows("sequential=yes")
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(`sequential: expected true or false, got "yes"`)
  })
})
