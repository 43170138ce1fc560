import { createHash } from "node:crypto"
import type { AnalysisConfiguration } from "../domain/config/analysis-configuration.js"

/** Object keys in sorted order, so the same configuration always serialises the same way. */
const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical)
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, entry]) => entry !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, entry]) => [key, canonical(entry)]),
    )
  }
  return value
}

/**
 * The SHA-256 of an experiment's resolved configuration: what its custom config, the
 * defaults, definitions and outcomes make of it (metrics with their rendered SQL,
 * statistics, segments, exposure signal, schedule overrides). The Experimenter record is left
 * out: its changes (a new end date) are the daily run's business, not a reason to rerun.
 */
export const configHash = (configuration: AnalysisConfiguration): string => {
  // Warnings change nothing that is computed (a statistic they concern is left out already).
  const { experiment: _experiment, warnings: _warnings, ...resolved } = configuration
  return createHash("sha256")
    .update(JSON.stringify(canonical(resolved)))
    .digest("hex")
}
