import { describe, expect, it } from "vitest"
import {
  enrollmentsTableName,
  metricsTableName,
  sanitizeName,
  statisticsTableName,
  statisticsViewName,
  tableNameCollisions,
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

  it("find experiments whose tables would be another's, and refuse the later one", () => {
    const experiments = [
      { slug: "foo-preenrollment", startDate: "2026-10-01" },
      { slug: "foo", startDate: "2026-09-01" },
      { slug: "Foo_Bar", startDate: "2026-09-02" },
      { slug: "foo-bar", startDate: "2026-09-02" },
      { slug: "statistics-baz", startDate: "2026-09-03" },
      { slug: "baz-enrollments", startDate: "2026-09-04" },
      { slug: "unrelated", startDate: "2026-08-01" },
      { slug: "foo-week", startDate: "2026-08-01" },
    ]
    expect(tableNameCollisions(experiments)).toEqual([
      { refused: "foo-bar", keeps: "Foo_Bar", table: "enrollments_foo_bar" },
      {
        refused: "baz-enrollments",
        keeps: "statistics-baz",
        table: "statistics_baz_enrollments_day_1",
      },
      {
        refused: "foo-preenrollment",
        keeps: "foo",
        table: "statistics_foo_preenrollment_weekly",
      },
    ])
    expect(tableNameCollisions([{ slug: "a" }, { slug: "b" }])).toEqual([])
  })
})
