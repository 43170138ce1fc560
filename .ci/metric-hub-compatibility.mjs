// Runs `slipstream validate-config` over a whole metric-hub checkout and compares
// the outcome with the known defects of that corpus (files metric-config-parser rejects too).
// Each file is one check: valid when expected valid, rejected when a known defect. Warnings
// (what the parser accepts: unknown keys, ...) do not fail a file; their count is printed.
// A crash, an exit status other than 0/1, or no file checked counts as a failure.
// With --dry-run, every statement a run would send for each valid experiment config is
// parsed by ZetaSQL too: a statement it refuses makes its file fail.
import { spawnSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"

const [repo, output] = process.argv.slice(2)
const knownDefects = JSON.parse(readFileSync(new URL("./metric-hub-known-defects.json", import.meta.url), "utf8"))

const run = spawnSync(process.execPath, ["dist/cli/main.js", "validate-config", "--json", "--dry-run", "--config-repo", repo, repo], {
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
})
if (run.status !== 0 && run.status !== 1) {
  console.error(run.stderr)
  console.error(`validate-config crashed (exit status ${run.status})`)
  writeFileSync(output, JSON.stringify({ passed: 0, failed: 1 }))
  process.exit(0)
}
const reports = JSON.parse(run.stdout)
const checked = run.stderr.split("\n").find((line) => line.includes("checked by ZetaSQL"))
if (checked === undefined) {
  console.error("validate-config --dry-run did not say how many statements ZetaSQL checked")
  writeFileSync(output, JSON.stringify({ passed: 0, failed: 1 }))
  process.exit(0)
}
console.error(checked)
const warnings = reports.reduce((total, report) => total + (report.warnings?.length ?? 0), 0)
const warned = reports.filter((report) => (report.warnings?.length ?? 0) > 0).length
let passed = 0
let failed = reports.length === 0 ? 1 : 0
for (const report of reports) {
  const name = report.file.slice(repo.length).replace(/^\//, "")
  const defect = knownDefects[name]
  const asExpected = defect === undefined ? report.ok : !report.ok
  if (asExpected) passed++
  else failed++
  const warningCount = report.warnings?.length ?? 0
  const verdict = `${report.ok ? "accepted" : `rejected (${report.errors.length} errors)`}${warningCount > 0 ? `, ${warningCount} warnings` : ""}`
  const expectation = defect === undefined ? "" : ` — known defect: ${defect}`
  console.error(`${asExpected ? "ok  " : "FAIL"} ${name}: ${verdict}${expectation}`)
  if (!asExpected && !report.ok) for (const e of report.errors) console.error(`       ${e.path}: ${e.message}`)
}
for (const name of Object.keys(knownDefects)) {
  if (!reports.some((report) => report.file.endsWith(name))) {
    console.error(`FAIL ${name}: listed as a known defect but not in the corpus`)
    failed++
  }
}
console.error(`compatibility: ${passed} files as expected, ${failed} not (${reports.length} files)`)
console.error(`warnings: ${warnings} in ${warned} files (validate-config --strict would make them errors)`)
writeFileSync(output, JSON.stringify({ passed, failed }))
