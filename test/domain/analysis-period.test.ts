import { describe, expect, it } from "@effect/vitest"
import {
  analysisBases,
  analysisPeriods,
  byPeriod,
  configKeyOf,
  overallWindow,
  periodConfigKeys,
  periodForConfigKey,
  periodLength,
  preEnrollmentWindow,
  tableSuffix,
  timeSeriesWindow,
} from "../../src/domain/analysis-period.js"

describe("analysis periods", () => {
  it("are Jetstream's six, and two analysis bases", () => {
    expect(analysisPeriods).toEqual([
      "day",
      "week",
      "days28",
      "overall",
      "preenrollment_week",
      "preenrollment_days28",
    ])
    expect(analysisBases).toEqual(["enrollments", "exposures"])
  })

  it("have a length in days, except overall", () => {
    expect(byPeriod((period) => periodLength[period])).toEqual({
      day: 1,
      week: 7,
      days28: 28,
      overall: undefined,
      preenrollment_week: 7,
      preenrollment_days28: 28,
    })
  })

  it("name their tables as Jetstream does", () => {
    expect(byPeriod((period) => tableSuffix[period])).toEqual({
      day: "daily",
      week: "weekly",
      days28: "days28",
      overall: "overall",
      preenrollment_week: "preenrollment_weekly",
      preenrollment_days28: "preenrollment_days28",
    })
  })

  it("have metric-hub config keys", () => {
    expect(byPeriod(configKeyOf)).toEqual({
      day: "daily",
      week: "weekly",
      days28: "days28",
      overall: "overall",
      preenrollment_week: "preenrollment_weekly",
      preenrollment_days28: "preenrollment_days28",
    })
    expect(periodConfigKeys).toEqual([
      "daily",
      "weekly",
      "days28",
      "overall",
      "preenrollment_weekly",
      "preenrollment_days28",
      "28_day",
    ])
  })

  it("are found from a config key, including the 28_day alias", () => {
    expect(periodForConfigKey("daily")).toBe("day")
    expect(periodForConfigKey("weekly")).toBe("week")
    expect(periodForConfigKey("28_day")).toBe("days28")
    expect(periodForConfigKey("days28")).toBe("days28")
    expect(periodForConfigKey("overall")).toBe("overall")
    expect(periodForConfigKey("preenrollment_weekly")).toBe("preenrollment_week")
    expect(periodForConfigKey("preenrollment_days28")).toBe("preenrollment_days28")
    for (const period of analysisPeriods) {
      expect(periodForConfigKey(configKeyOf(period))).toBe(period)
    }
  })

  it("do not take table suffixes, period names or unknown words as config keys", () => {
    expect(periodForConfigKey("day")).toBeUndefined()
    expect(periodForConfigKey("week")).toBeUndefined()
    expect(periodForConfigKey("preenrollment_week")).toBeUndefined()
    expect(periodForConfigKey("monthly")).toBeUndefined()
    expect(periodForConfigKey("toString")).toBeUndefined()
  })
})

describe("analysis windows", () => {
  it("number time-series windows from 1 over [i·P, (i+1)·P − 1]", () => {
    expect(timeSeriesWindow("day", 1)).toEqual({ period: "day", index: 1, start: 0, end: 0 })
    expect(timeSeriesWindow("day", 5)).toEqual({ period: "day", index: 5, start: 4, end: 4 })
    expect(timeSeriesWindow("week", 1)).toEqual({ period: "week", index: 1, start: 0, end: 6 })
    expect(timeSeriesWindow("week", 3)).toEqual({ period: "week", index: 3, start: 14, end: 20 })
    expect(timeSeriesWindow("days28", 2)).toEqual({
      period: "days28",
      index: 2,
      start: 28,
      end: 55,
    })
  })

  it("put pre-enrollment windows in the days before enrollment", () => {
    expect(preEnrollmentWindow("preenrollment_week")).toEqual({
      period: "preenrollment_week",
      index: 1,
      start: -7,
      end: -1,
    })
    expect(preEnrollmentWindow("preenrollment_days28")).toEqual({
      period: "preenrollment_days28",
      index: 1,
      start: -28,
      end: -1,
    })
  })

  it("make overall cover the analysis length, when it has a day", () => {
    expect(overallWindow(84)).toEqual({ period: "overall", index: 1, start: 0, end: 83 })
    expect(overallWindow(1)).toEqual({ period: "overall", index: 1, start: 0, end: 0 })
    expect(overallWindow(0)).toBeUndefined()
    expect(overallWindow(-3)).toBeUndefined()
  })
})
