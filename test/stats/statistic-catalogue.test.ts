import { describe, expect, it } from "vitest"
import {
  aggregateRequestOf,
  statisticOf,
  withoutCovariateAdjustment,
} from "../../src/stats/catalogue/statistic-catalogue.js"

const adjustment = { covariate_adjustment: { period: "preenrollment_week" } }

describe("withoutCovariateAdjustment (a pre-enrollment period's statistics)", () => {
  it.each(["linear_model_mean", "per_client_dau_impact", "t_test", "bayesian_gaussian"] as const)(
    "drops %s's covariate and keeps every other parameter",
    (name) => {
      const adjusted = statisticOf(name, { ...adjustment, confidence_interval: 0.9 })
      expect(aggregateRequestOf(adjusted)).toHaveProperty("covariate")
      const unadjusted = withoutCovariateAdjustment(adjusted)
      expect(unadjusted.name).toBe(name)
      expect(aggregateRequestOf(unadjusted)).not.toHaveProperty("covariate")
      expect(unadjusted).toEqual(statisticOf(name, { confidence_interval: 0.9 }))
    },
  )

  it("leaves a statistic that takes no covariate as it is", () => {
    const bootstrap = statisticOf("bootstrap_mean", { num_samples: 100 })
    expect(withoutCovariateAdjustment(bootstrap)).toEqual(bootstrap)
  })
})
