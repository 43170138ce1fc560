import { describe, expect, it } from "vitest"
import {
  enrollmentsTableName,
  metricsTableName,
  sanitizeName,
  statisticsTableName,
  statisticsViewName,
} from "../../src/domain/table-names.js"

describe("table names", () => {
  it("follow Jetstream's names for ordinary slugs", () => {
    expect(enrollmentsTableName("my-exp")).toBe("enrollments_my_exp")
    expect(metricsTableName("my-exp", "exposures", "week", 2)).toBe("my_exp_exposures_week_2")
    expect(statisticsTableName("my-exp", "days28", 1)).toBe("statistics_my_exp_days28_1")
    expect(statisticsViewName("my-exp", "preenrollment_week")).toBe(
      "statistics_my_exp_preenrollment_weekly",
    )
  })

  it.each([
    ["../../x", "______x"],
    ["a; DROP TABLE logs", "a__drop_table_logs"],
    ["`evil`.tbl", "_evil__tbl"],
    ["a\"b'c", "a_b_c"],
    ["", "_"],
    ["Ünïcode/sług", "_n_code_s_ug"],
  ])(
    "turn the hostile name %j into %j, a single safe identifier and path segment",
    (name, safe) => {
      expect(sanitizeName(name)).toBe(safe)
      expect(sanitizeName(name)).toMatch(/^[a-z0-9_]+$/)
      expect(statisticsTableName(name, "overall", 1)).toMatch(/^[a-z0-9_]+$/)
    },
  )
})
