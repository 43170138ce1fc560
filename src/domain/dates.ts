/**
 * Calendar dates, written `YYYY-MM-DD` (ISO 8601, UTC). Experiments are scheduled in whole
 * days, so dates are strings compared and shifted through Date.UTC, never local time.
 */
export type IsoDate = string

const datePrefix = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/
const dayMilliseconds = 86_400_000

const toUtcMilliseconds = (date: IsoDate): number => Date.parse(`${date.slice(0, 10)}T00:00:00Z`)

/**
 * The calendar date of `YYYY-MM-DD` or of an ISO date-time (`2019-12-01T10:00:00Z`,
 * Experimenter's format, taken at its written date); undefined for anything else,
 * including impossible dates such as 2019-02-30.
 */
export const parseIsoDate = (text: string): IsoDate | undefined => {
  const match = datePrefix.exec(text)
  if (match === null) return undefined
  const [, year = "", month = "", day = ""] = match
  const date = `${year}-${month}-${day}`
  const roundTrip = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
  return roundTrip.toISOString().slice(0, 10) === date ? date : undefined
}

/** True for exactly `YYYY-MM-DD` naming a real day. */
export const isIsoDateOnly = (text: string): boolean =>
  text.length === 10 && parseIsoDate(text) !== undefined

export const addDays = (date: IsoDate, days: number): IsoDate =>
  new Date(toUtcMilliseconds(date) + days * dayMilliseconds).toISOString().slice(0, 10)

/** `to − from` in whole days. */
export const daysBetween = (from: IsoDate, to: IsoDate): number =>
  Math.round((toUtcMilliseconds(to) - toUtcMilliseconds(from)) / dayMilliseconds)

export const compareDates = (a: IsoDate, b: IsoDate): number => (a < b ? -1 : a > b ? 1 : 0)
