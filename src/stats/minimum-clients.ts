import type { EstimateRow } from "./estimate.js"
import type { StatisticOutput } from "./sample-summary.js"

/**
 * The fewest clients a branch needs for an interval: 2, the fewest with any spread. A branch
 * of one client has no variance to estimate (n − 1 = 0 degrees of freedom): the bootstrap
 * can only redraw that one value (an interval of zero width, [1, 1] for a value of 1), a
 * linear model takes the branch's spread on faith from the others, and a comparison's
 * interval shows the other branch's uncertainty alone, so a difference looks significant
 * with nothing to support it. Two clients are few, but their interval is wide, not made up.
 */
export const minimumClientsForInterval = 2

const withoutBounds = (row: EstimateRow): EstimateRow => ({
  branch: row.branch,
  point: row.point,
  ...(row.parameter === undefined ? {} : { parameter: row.parameter }),
  ...(row.comparison === undefined ? {} : { comparison: row.comparison }),
  ...(row.comparisonToBranch === undefined ? {} : { comparisonToBranch: row.comparisonToBranch }),
})

/**
 * For a statistic whose intervals rest on each branch's own spread (a bootstrap, a linear
 * model; not binomial, whose Beta posterior is a complete statement for any number of
 * clients — one client's is wide: about [0.16, 0.99] at 95%): a branch with clients, but
 * fewer than `minimumClientsForInterval`, keeps its estimates
 * without an interval claim: its own rows and every comparison involving it lose their bounds
 * and p-value, and a warning names the branch and its count. The same on the per-client and
 * the push-down paths, which give the clients each branch has after the pre-treatments.
 */
export const withoutIntervalsForSmallBranches = (
  clients: ReadonlyMap<string, number>,
  output: StatisticOutput,
): StatisticOutput => {
  if (output.refused !== undefined) return output
  const small = [...clients].filter(([, count]) => count > 0 && count < minimumClientsForInterval)
  if (small.length === 0) return output
  const smallBranches = new Set(small.map(([branch]) => branch))
  const involved = (row: EstimateRow) =>
    smallBranches.has(row.branch) ||
    (row.comparisonToBranch !== undefined && smallBranches.has(row.comparisonToBranch))
  return {
    rows: output.rows.map((row) => (involved(row) ? withoutBounds(row) : row)),
    warnings: [
      ...output.warnings,
      ...small.map(
        ([branch, count]) =>
          `branch ${branch} has ${count} ${count === 1 ? "client" : "clients"}, fewer than the ${minimumClientsForInterval} an interval needs: its estimates and the comparisons with it have no bounds`,
      ),
    ],
  }
}
