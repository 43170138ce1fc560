import { type AnalysisBasis, type AnalysisPeriod, tableSuffix } from "./analysis-period.js"

/**
 * Names are data, not code: experiment slugs, branch, metric and segment names come from
 * Experimenter and TOML, and become table names and file names only through these
 * functions. Jetstream's rule (every character outside [A-Za-z0-9_] becomes `_`), lowercased
 * here as BigQuery table names are case-sensitive and people type slugs in lower case.
 * The result can hold no quote, dot, slash or space, so it cannot leave the dataset or the
 * output folder, whatever the slug was.
 */
export const sanitizeName = (name: string): string => {
  const cleaned = name.toLowerCase().replaceAll(/[^a-z0-9_]/g, "_")
  return cleaned === "" ? "_" : cleaned
}

export const enrollmentsTableName = (slug: string): string => `enrollments_${sanitizeName(slug)}`

/** Per-client metrics of one window: `<slug>_<basis>_<period>_<window>`, as Jetstream. */
export const metricsTableName = (
  slug: string,
  basis: AnalysisBasis,
  period: AnalysisPeriod,
  windowIndex: number,
): string => `${sanitizeName(slug)}_${basis}_${period}_${Math.trunc(windowIndex)}`

export const statisticsTableName = (
  slug: string,
  period: AnalysisPeriod,
  windowIndex: number,
): string => `statistics_${sanitizeName(slug)}_${period}_${Math.trunc(windowIndex)}`

/** Prefix of every statistics table of one period: what its view unites. */
export const statisticsTablePrefix = (slug: string, period: AnalysisPeriod): string =>
  `statistics_${sanitizeName(slug)}_${period}_`

/** The view of all windows of a period: `statistics_<slug>_<daily|weekly|...>`. */
export const statisticsViewName = (slug: string, period: AnalysisPeriod): string =>
  `statistics_${sanitizeName(slug)}_${tableSuffix[period]}`

/** Tables every run shares. */
export const logsTable = "logs"
export const configHashesTable = "config_hashes"
