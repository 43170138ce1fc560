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

/**
 * Names an experiment's tables take, for finding experiments whose names would meet: every
 * kind of table and view, windows 1 to 3 standing for all (a name is a slug, a period and a
 * number, so two slugs that meet at one window meet at every window).
 */
const representativeTableNames = (slug: string): ReadonlyArray<string> => {
  const periods = Object.keys(tableSuffix) as ReadonlyArray<AnalysisPeriod>
  const windows = [1, 2, 3]
  return [
    enrollmentsTableName(slug),
    ...periods.map((period) => statisticsViewName(slug, period)),
    ...periods.flatMap((period) =>
      windows.flatMap((index) => [
        statisticsTableName(slug, period, index),
        metricsTableName(slug, "enrollments", period, index),
        metricsTableName(slug, "exposures", period, index),
      ]),
    ),
  ]
}

/** An experiment refused because its tables would be another's. */
export interface TableNameCollision {
  readonly refused: string
  readonly keeps: string
  readonly table: string
}

/**
 * Experiments whose tables would share a name with an earlier experiment's — slugs that
 * differ only in punctuation or case (`foo-bar`, `foo_bar`), or that meet through a period's
 * name (`foo-preenrollment` at `week` is `foo` at `preenrollment_week`). Jetstream's names are
 * kept where they are unambiguous; of two that meet, the one that started first (then the
 * smaller slug) keeps its names and the other is refused, so neither overwrites the other.
 */
export const tableNameCollisions = (
  experiments: ReadonlyArray<{ readonly slug: string; readonly startDate?: string }>,
): ReadonlyArray<TableNameCollision> => {
  const ordered = [...experiments].sort(
    (a, b) =>
      (a.startDate ?? "9999").localeCompare(b.startDate ?? "9999") || a.slug.localeCompare(b.slug),
  )
  const owners = new Map<string, string>()
  const collisions: TableNameCollision[] = []
  for (const { slug } of ordered) {
    const names = representativeTableNames(slug)
    const taken = names.find((name) => owners.has(name))
    if (taken !== undefined) {
      collisions.push({ refused: slug, keeps: owners.get(taken) ?? "", table: taken })
      continue
    }
    for (const name of names) owners.set(name, slug)
  }
  return collisions
}
