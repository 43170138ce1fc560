import { describe, expect, it } from "@effect/vitest"
import {
  addDays,
  compareDates,
  daysBetween,
  isIsoDateOnly,
  parseIsoDate,
} from "../../src/domain/dates.js"

describe("dates", () => {
  it("parses dates and date-times to the calendar date, rejecting impossible ones", () => {
    expect(parseIsoDate("2019-12-01")).toBe("2019-12-01")
    expect(parseIsoDate("2019-12-01T23:59:59.000000Z")).toBe("2019-12-01")
    expect(parseIsoDate("2020-02-29")).toBe("2020-02-29")
    expect(parseIsoDate("2019-02-29")).toBeUndefined()
    expect(parseIsoDate("2019-13-01")).toBeUndefined()
    expect(parseIsoDate("12/01/2019")).toBeUndefined()
    expect(isIsoDateOnly("2019-12-01")).toBe(true)
    expect(isIsoDateOnly("2019-12-01T00:00:00Z")).toBe(false)
  })

  it("shifts and compares across months, years and leap days", () => {
    expect(addDays("2019-12-08", 27)).toBe("2020-01-04")
    expect(addDays("2020-02-28", 1)).toBe("2020-02-29")
    expect(addDays("2020-03-01", -1)).toBe("2020-02-29")
    expect(daysBetween("2019-12-01", "2019-12-07")).toBe(6)
    expect(daysBetween("2020-01-04", "2019-12-08")).toBe(-27)
    expect(compareDates("2019-12-31", "2020-01-01")).toBe(-1)
    expect(compareDates("2020-01-01", "2020-01-01")).toBe(0)
  })
})
