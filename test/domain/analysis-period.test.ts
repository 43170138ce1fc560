import { describe, expect, it } from "@effect/vitest"
import {
  analysisPeriods,
  byPeriod,
  configKeyOf,
  periodForConfigKey,
  tableSuffix,
  timeSeriesWindow,
} from "../../src/domain/analysis-period.js"

describe("analysis periods", () => {
  it("maps metric-hub keys, including the 28_day alias, to periods and back", () => {
    expect(periodForConfigKey("daily")).toBe("day")
    expect(periodForConfigKey("28_day")).toBe("days28")
    expect(periodForConfigKey("days28")).toBe("days28")
    expect(periodForConfigKey("preenrollment_weekly")).toBe("preenrollment_week")
    expect(periodForConfigKey("monthly")).toBeUndefined()
    for (const period of analysisPeriods)
      expect(periodForConfigKey(configKeyOf(period))).toBe(period)
  })

  it("names tables as Jetstream does", () => {
    expect(byPeriod((period) => tableSuffix[period])).toEqual({
      day: "daily",
      week: "weekly",
      days28: "days28",
      overall: "overall",
      preenrollment_week: "preenrollment_weekly",
      preenrollment_days28: "preenrollment_days28",
    })
  })

  it("numbers windows from 1 over [i·P, (i+1)·P − 1]", () => {
    expect(timeSeriesWindow("week", 1)).toEqual({ period: "week", index: 1, start: 0, end: 6 })
    expect(timeSeriesWindow("week", 3)).toEqual({ period: "week", index: 3, start: 14, end: 20 })
    expect(timeSeriesWindow("days28", 2)).toEqual({
      period: "days28",
      index: 2,
      start: 28,
      end: 55,
    })
    expect(timeSeriesWindow("day", 5)).toEqual({ period: "day", index: 5, start: 4, end: 4 })
  })
})
