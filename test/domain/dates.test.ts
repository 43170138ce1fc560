import { describe, expect, it } from "@effect/vitest"
import {
  addDays,
  compareDates,
  daysBetween,
  isIsoDateOnly,
  parseIsoDate,
} from "../../src/domain/dates.js"

describe("parseIsoDate", () => {
  it("reads YYYY-MM-DD as it is", () => {
    expect(parseIsoDate("2019-12-01")).toBe("2019-12-01")
    expect(parseIsoDate("2020-02-29")).toBe("2020-02-29")
  })

  it("takes the UTC date of Experimenter's date-times", () => {
    expect(parseIsoDate("2019-12-01T00:00:00Z")).toBe("2019-12-01")
    expect(parseIsoDate("2019-12-01T10:00:00.000000Z")).toBe("2019-12-01")
    expect(parseIsoDate("2019-12-01T23:59:59.999Z")).toBe("2019-12-01")
    expect(parseIsoDate("2019-12-01T10:00")).toBe("2019-12-01")
  })

  it("moves a date-time with an offset to its UTC date", () => {
    expect(parseIsoDate("2019-12-01T23:00:00-05:00")).toBe("2019-12-02")
    expect(parseIsoDate("2019-12-01T01:00:00+02:00")).toBe("2019-11-30")
    expect(parseIsoDate("2019-12-31T20:00:00-0500")).toBe("2020-01-01")
    expect(parseIsoDate("2019-12-01T12:00:00+02:00")).toBe("2019-12-01")
  })

  it("rejects impossible dates and times", () => {
    expect(parseIsoDate("2019-02-29")).toBeUndefined()
    expect(parseIsoDate("2019-02-30")).toBeUndefined()
    expect(parseIsoDate("2019-13-01")).toBeUndefined()
    expect(parseIsoDate("2019-04-31T00:00:00Z")).toBeUndefined()
    expect(parseIsoDate("2019-12-01T24:00:00Z")).toBeUndefined()
    expect(parseIsoDate("2019-12-01T10:60:00Z")).toBeUndefined()
    expect(parseIsoDate("2019-12-01T10:00:00+25:00")).toBeUndefined()
  })

  it("rejects what is not an ISO date", () => {
    expect(parseIsoDate("12/01/2019")).toBeUndefined()
    expect(parseIsoDate("2019-12-1")).toBeUndefined()
    expect(parseIsoDate("2019-12-01T")).toBeUndefined()
    expect(parseIsoDate("2019-12-01Tnoon")).toBeUndefined()
    expect(parseIsoDate("2019-12-01 and more")).toBeUndefined()
    expect(parseIsoDate("")).toBeUndefined()
  })
})

describe("isIsoDateOnly", () => {
  it("accepts a date, not a date-time or an impossible date", () => {
    expect(isIsoDateOnly("2019-12-01")).toBe(true)
    expect(isIsoDateOnly("2019-12-01T00:00:00Z")).toBe(false)
    expect(isIsoDateOnly("2019-02-30")).toBe(false)
  })
})

describe("date arithmetic", () => {
  it("adds days across months, years and leap days", () => {
    expect(addDays("2019-12-01", 7)).toBe("2019-12-08")
    expect(addDays("2019-12-08", 27)).toBe("2020-01-04")
    expect(addDays("2020-02-28", 1)).toBe("2020-02-29")
    expect(addDays("2019-02-28", 1)).toBe("2019-03-01")
    expect(addDays("2020-03-01", -1)).toBe("2020-02-29")
    expect(addDays("2019-12-01", 0)).toBe("2019-12-01")
  })

  it("is not shifted by the machine's time zone or daylight saving time", () => {
    const zone = process.env.TZ
    // Node applies a change of TZ at once; Berlin falls back an hour on 2020-10-25.
    process.env.TZ = "Europe/Berlin"
    try {
      expect(new Date(2020, 9, 24).getTimezoneOffset()).toBe(-120)
      expect(addDays("2020-10-24", 2)).toBe("2020-10-26")
      expect(addDays("2020-03-28", 2)).toBe("2020-03-30")
      expect(daysBetween("2020-10-24", "2020-10-26")).toBe(2)
      expect(parseIsoDate("2020-10-25T23:30:00Z")).toBe("2020-10-25")
    } finally {
      if (zone === undefined) delete process.env.TZ
      else process.env.TZ = zone
    }
  })

  it("counts to − from in days", () => {
    expect(daysBetween("2019-12-01", "2019-12-07")).toBe(6)
    expect(daysBetween("2019-12-01", "2020-03-01")).toBe(91)
    expect(daysBetween("2020-01-04", "2019-12-08")).toBe(-27)
    expect(daysBetween("2019-12-01", "2019-12-01")).toBe(0)
  })

  it("orders dates", () => {
    expect(compareDates("2019-12-31", "2020-01-01")).toBe(-1)
    expect(compareDates("2020-01-01", "2020-01-01")).toBe(0)
    expect(compareDates("2020-01-10", "2020-01-09")).toBe(1)
    expect(["2020-01-10", "2019-12-31", "2020-01-02"].sort(compareDates)).toEqual([
      "2019-12-31",
      "2020-01-02",
      "2020-01-10",
    ])
  })
})
