import type { StatisticResult } from "../../src/domain/statistic-result.js"

/** A published row: control's mean of active_hours, overall, window 1, unless overridden. */
export const statisticRow = (overrides: Partial<StatisticResult> = {}): StatisticResult => ({
  metric: "active_hours",
  statistic: "mean",
  parameter: null,
  branch: "control",
  comparison: null,
  comparison_to_branch: null,
  ci_width: 0.95,
  point: 1,
  lower: 0.5,
  upper: 1.5,
  segment: "all",
  analysis_basis: "enrollments",
  window_index: "1",
  p_value: null,
  ...overrides,
})
