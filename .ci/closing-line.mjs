// Prints CI's closing line, "N passed, N failed", from vitest's JSON report and the
// compatibility check, and exits non-zero when anything failed or nothing ran.
import { existsSync, readFileSync } from "node:fs"

const [vitestReport, compatibilityReport] = process.argv.slice(2)
const read = (file) => (file !== undefined && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined)
const vitest = read(vitestReport)
const compatibility = read(compatibilityReport)

const passed = (vitest?.numPassedTests ?? 0) + (compatibility?.passed ?? 0)
// A missing report, or a test file that failed to load (no tests ran in it), is a failure.
const unloadedFiles = (vitest?.testResults ?? []).filter(
  (file) => file.status === "failed" && file.assertionResults.length === 0,
).length
const failed =
  (vitest === undefined ? 1 : vitest.numFailedTests + unloadedFiles) +
  (compatibility === undefined ? 1 : compatibility.failed)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
