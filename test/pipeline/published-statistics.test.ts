import { describe, expect, it } from "vitest"
import type { StatisticResult } from "../../src/domain/statistic-result.js"
import { publishedStatistics } from "../../src/pipeline/publish/published-statistics.js"
import { statisticRow } from "../support/statistic-row.js"

/**
 * The statistics file depends on the warehouse's rows alone, not on the order a query
 * returned them in (no SQL ORDER BY reads a view): the same rows make the same bytes.
 */

const row = statisticRow

const rows: ReadonlyArray<StatisticResult> = [
  row({}),
  row({ branch: "treatment", point: 2 }),
  row({ window_index: "10" }),
  row({ window_index: "2" }),
  row({ segment: "new_users" }),
  row({ analysis_basis: "exposures" }),
  // The same statistic at two confidence levels: one key, kept once.
  row({ ci_width: 0.9, lower: 0.6, upper: 1.4 }),
  // Two rows of one key with different values: which is kept must not depend on order.
  row({ metric: "retained", point: 0.3 }),
  row({ metric: "retained", point: 0.2 }),
  row({ statistic: "deciles", parameter: "0.5" }),
  row({ statistic: "deciles", parameter: "0.1" }),
  row({ statistic: "deciles", parameter: "text" }),
  row({ comparison: "difference", comparison_to_branch: "treatment", p_value: 0.04 }),
  row({ point: Number.NaN }),
]

/** A fixed shuffle (no randomness in tests): every rotation and the reverse. */
const orders = [
  ...rows.map((_, start) => [...rows.slice(start), ...rows.slice(0, start)]),
  [...rows].reverse(),
]

describe("publishedStatistics", () => {
  it("publishes the same rows in the same order whatever order they came in", () => {
    const expected = JSON.stringify(publishedStatistics(rows))
    for (const order of orders) {
      expect(JSON.stringify(publishedStatistics(order))).toBe(expected)
    }
  })

  it("orders by window (as a number), basis, segment (all first), metric, statistic, parameter", () => {
    const { rows: published, dropped } = publishedStatistics([...rows].reverse())
    expect(dropped).toBe(1)
    expect(
      published.map((entry) =>
        [
          entry.window_index,
          entry.analysis_basis,
          entry.segment,
          entry.metric,
          entry.statistic,
          entry.branch,
          entry.comparison ?? "-",
          entry.parameter ?? "-",
          entry.point,
        ].join(" "),
      ),
    ).toEqual([
      "1 enrollments all active_hours deciles control - 0.1 1",
      "1 enrollments all active_hours deciles control - 0.5 1",
      "1 enrollments all active_hours deciles control - text 1",
      "1 enrollments all active_hours mean control - - 1",
      "1 enrollments all active_hours mean control difference - 1",
      "1 enrollments all active_hours mean treatment - - 2",
      "1 enrollments all retained mean control - - 0.2",
      "1 enrollments new_users active_hours mean control - - 1",
      "1 exposures all active_hours mean control - - 1",
      "2 enrollments all active_hours mean control - - 1",
      "10 enrollments all active_hours mean control - - 1",
    ])
    // Of the two confidence levels of one key, the narrower is the one kept, always.
    expect(published[3]?.ci_width).toBe(0.9)
  })
})
