import type { Experiment } from "../domain/experiment.js"
import { tableNameCollisions } from "../domain/table-names.js"

/**
 * Experiments the run must not analyse although the source lists them: a slug listed more
 * than once (which record is meant?), and an experiment whose tables would be another's
 * (src/domain/table-names.ts). Each is an error naming why, when the run would look at it.
 */
export const refusedExperiments = (experiments: ReadonlyArray<Experiment>) => {
  const counts = new Map<string, number>()
  for (const { slug } of experiments) counts.set(slug, (counts.get(slug) ?? 0) + 1)
  const duplicated = [...counts].filter(([, count]) => count > 1)
  const unique = experiments.filter(({ slug }) => (counts.get(slug) ?? 0) === 1)
  const collisions = tableNameCollisions(unique)
  const refused = new Map<string, { readonly type: string; readonly message: string }>([
    ...duplicated.map(
      ([slug, count]) =>
        [
          slug,
          {
            type: "DuplicateExperiment",
            message: `the experiment source lists ${JSON.stringify(slug)} ${count} times: none of its records is analysed until one is left`,
          },
        ] as const,
    ),
    ...collisions.map(
      ({ refused: slug, keeps, table }) =>
        [
          slug,
          {
            type: "TableNameCollision",
            message: `${JSON.stringify(slug)} is not analysed: its tables would share names with those of ${JSON.stringify(keeps)} (both would write ${table}); rename one of the slugs`,
          },
        ] as const,
    ),
  ])
  return refused
}
