import { describe, expect, it } from "@effect/vitest"
import { aggregateRequestOf, statisticOf } from "../../src/stats/catalogue/statistic-catalogue.js"
import { toStatisticResults } from "../../src/stats/statistic-results.js"
import { computeSummaryOnAggregates } from "../../src/stats/summary-on-aggregates.js"
import { validatorFor } from "../support/experimenter-reader.js"
import { control, treatment } from "../support/gbstats-t-test.js"

describe("the t_test statistic", () => {
  it("defaults to no winsorizing, 95% intervals at a fixed horizon, and asks for the sums", () => {
    const statistic = statisticOf("t_test")
    expect(statistic.parameters).toEqual({
      drop_highest: 0,
      confidence_interval: 0.95,
      sequential: false,
      sequential_tuning: 5000,
    })
    expect(() => statisticOf("t_test", { covariate_adjustment: {} })).toThrow(
      /covariate_adjustment/,
    )
  })

  it("asks for the ratio's sums given numerator and denominator, both or neither", () => {
    const ratio = { numerator: "n", denominator: "d" }
    expect(aggregateRequestOf(statisticOf("t_test", { ...ratio, drop_highest: 0.01 }))).toEqual({
      kind: "ratio_sums",
      ...ratio,
      winsorizeAt: 0.99,
    })
    expect(() => statisticOf("t_test", { numerator: "n" })).toThrow(/together/)
    expect(() =>
      statisticOf("t_test", {
        ...ratio,
        covariate_adjustment: { period: "preenrollment_week" },
      }),
    ).toThrow(/does not apply to a ratio/)
  })

  it("asks for the covariate's sums too when adjusted", () => {
    const covariate_adjustment = { period: "preenrollment_days28", metric: "pre_m" }
    expect(aggregateRequestOf(statisticOf("t_test", { covariate_adjustment }))).toEqual({
      kind: "sums",
      winsorizeAt: 1,
      covariate: covariate_adjustment,
    })
  })

  it("publishes rows named t_test with p_value on every comparison, valid for Experimenter", () => {
    const statistic = statisticOf("t_test", { confidence_interval: 0.9 })
    const output = computeSummaryOnAggregates(
      statistic,
      new Map([
        ["control", { clients: control.n, sums: control }],
        ["treatment", { clients: treatment.n, sums: treatment }],
      ]),
      { seed: 1, stream: "m" },
    )
    const published = toStatisticResults(output.rows, {
      metric: "m",
      statistic: "t_test",
      segment: "all",
      analysisBasis: "enrollments",
      windowIndex: 1,
      confidence: 0.9,
    })
    expect(published).toHaveLength(6)
    for (const row of published) {
      expect(row.statistic).toBe("t_test")
      expect(row.ci_width).toBe(0.9)
      if (row.comparison !== null) expect(typeof row.p_value).toBe("number")
      else expect(row).not.toHaveProperty("p_value")
    }
    const validate = validatorFor("Statistics_v1.0.json")
    expect(validate(published), JSON.stringify(validate.errors)).toBe(true)
  })

  it("drops the bounds of a branch below 2 clients, with the catalogue's warning", () => {
    const output = computeSummaryOnAggregates(
      statisticOf("t_test"),
      new Map([
        ["control", { clients: control.n, sums: control }],
        ["single", { clients: 1, sums: { n: 1, sumY: 3, sumY2: 9 } }],
      ]),
      { seed: 1, stream: "m" },
    )
    const single = output.rows.filter(
      (row) => row.branch === "single" || row.comparisonToBranch === "single",
    )
    expect(single.length).toBe(5)
    for (const row of single) {
      expect(row.lower).toBeUndefined()
      expect(row.pValue).toBeUndefined()
    }
    expect(output.warnings.some((warning) => warning.includes("branch single has 1 client"))).toBe(
      true,
    )
  })
})
