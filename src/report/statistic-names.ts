/**
 * How each published statistic is shown: its name for a reader, its place in a metric's
 * section, its kind — one number per branch (a table and a forest plot), deciles (an
 * uplift curve), or a distribution (overlaid curves) — and a tag for what its intervals
 * are when that is not the usual. Unknown statistics are shown as tables under their own
 * slug, so a new statistic is visible before this file knows it.
 */

export type StatisticKind = "scalar" | "deciles" | "distribution"

/** A word next to the statistic's name, and the sentence that explains it. */
export interface StatisticTag {
  readonly text: string
  readonly explanation: string
}

interface StatisticView {
  readonly label: string
  readonly kind: StatisticKind
  readonly tag?: StatisticTag
}

const alwaysValid: StatisticTag = {
  text: "always-valid",
  explanation:
    "Always-valid (sequential) test: its intervals and p-values stay valid however often the results are looked at, and are wider than a fixed-horizon test's.",
}

const views: Readonly<Record<string, StatisticView>> = {
  mean: { label: "Mean (bootstrap)", kind: "scalar" },
  mean_lm: { label: "Mean adjusted for the pre-period (CUPED)", kind: "scalar" },
  t_test: { label: "Mean (Welch t-test)", kind: "scalar" },
  t_test_sequential: { label: "Mean (sequential t-test)", kind: "scalar", tag: alwaysValid },
  bayesian_gaussian: { label: "Mean (Bayesian)", kind: "scalar" },
  binomial: { label: "Proportion (binomial)", kind: "scalar" },
  per_client_dau_impact: { label: "Per-client DAU impact", kind: "scalar" },
  population_ratio: { label: "Population ratio", kind: "scalar" },
  count: { label: "Count", kind: "scalar" },
  sum: { label: "Sum", kind: "scalar" },
  deciles: { label: "Deciles", kind: "deciles" },
  empirical_cdf: { label: "Empirical CDF", kind: "distribution" },
  kernel_density_estimate: { label: "Density (kernel estimate)", kind: "distribution" },
}

const order = Object.keys(views)

export const statisticLabel = (statistic: string): string => views[statistic]?.label ?? statistic

/** The tag of a statistic whose intervals need one (always-valid ones), if any. */
export const statisticTag = (statistic: string): StatisticTag | undefined => views[statistic]?.tag

export const statisticKind = (statistic: string): StatisticKind =>
  views[statistic]?.kind ?? "scalar"

/** Known statistics in the order above, then unknown ones alphabetically. */
export const compareStatistics = (a: string, b: string): number => {
  const rank = (statistic: string) => {
    const index = order.indexOf(statistic)
    return index === -1 ? order.length : index
  }
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)
}
