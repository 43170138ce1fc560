/**
 * A calendar date written `YYYY-MM-DD` (ISO 8601, UTC). Experiments are scheduled in whole
 * UTC days, so a plain string is enough: it sorts and compares as text, and it is shifted
 * through Date.UTC arithmetic, never local time. Functions other than the parsers expect a
 * date that came from `parseIsoDate`.
 */
export type IsoDate = string

const dayMilliseconds = 86_400_000
const minuteMilliseconds = 60_000

const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/
const dateTime =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/

/** Milliseconds since the epoch of a real calendar day, or undefined (2019-02-30, month 13). */
const utcMidnight = (year: number, month: number, day: number): number | undefined => {
  const milliseconds = Date.UTC(year, month - 1, day)
  const date = new Date(milliseconds)
  return date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
    ? milliseconds
    : undefined
}

const formatUtc = (milliseconds: number): IsoDate =>
  new Date(milliseconds).toISOString().slice(0, 10)

/**
 * The calendar date of `YYYY-MM-DD`, or the UTC date of an ISO date-time such as
 * Experimenter's `2019-12-01T10:00:00.000000Z` (a time without an offset is read as UTC;
 * `2019-12-01T23:00:00-05:00` is 2019-12-02). Undefined for anything else, including
 * impossible dates such as 2019-02-30 and times such as 24:00.
 */
export const parseIsoDate = (text: string): IsoDate | undefined => {
  const date = dateOnly.exec(text)
  if (date !== null) {
    const [, year, month, day] = date.map(Number)
    if (year === undefined || month === undefined || day === undefined) return undefined
    return utcMidnight(year, month, day) === undefined ? undefined : text
  }
  const time = dateTime.exec(text)
  if (time === null) return undefined
  const [, year, month, day, hour, minute, second = "0", , sign, offsetHours, offsetMinutes] = time
  const midnight = utcMidnight(Number(year), Number(month), Number(day))
  const outOfRange =
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 59 ||
    Number(offsetHours ?? 0) > 23 ||
    Number(offsetMinutes ?? 0) > 59
  if (midnight === undefined || outOfRange) return undefined
  const offset =
    sign === undefined
      ? 0
      : (sign === "-" ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes))
  const local = midnight + (Number(hour) * 60 + Number(minute)) * minuteMilliseconds
  return formatUtc(local - offset * minuteMilliseconds)
}

/** True for exactly `YYYY-MM-DD` naming a real day (config files take dates, not times). */
export const isIsoDateOnly = (text: string): boolean =>
  dateOnly.test(text) && parseIsoDate(text) !== undefined

const toUtcMilliseconds = (date: IsoDate): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)))

/** The date `days` days after `date` (before it when negative). */
export const addDays = (date: IsoDate, days: number): IsoDate =>
  formatUtc(toUtcMilliseconds(date) + days * dayMilliseconds)

/** `to − from` in whole days: 2019-12-01 to 2019-12-07 is 6. */
export const daysBetween = (from: IsoDate, to: IsoDate): number =>
  Math.round((toUtcMilliseconds(to) - toUtcMilliseconds(from)) / dayMilliseconds)

/** Negative, zero or positive as `a` is before, on or after `b` (for sorting). */
export const compareDates = (a: IsoDate, b: IsoDate): number => (a < b ? -1 : a > b ? 1 : 0)
