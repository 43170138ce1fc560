/**
 * The little geometry the inline charts share: a linear scale, "nice" tick values, and
 * coordinates rounded so the markup stays short. No chart library: the page must be one
 * self-contained file that reads without JavaScript.
 */

export interface Extent {
  readonly min: number
  readonly max: number
}

/** The extent of the finite values, widened when it is a single value; undefined when none. */
export const extentOf = (values: ReadonlyArray<number | null | undefined>): Extent | undefined => {
  const finite = values.filter((value): value is number => value != null && Number.isFinite(value))
  if (finite.length === 0) return undefined
  const min = Math.min(...finite)
  const max = Math.max(...finite)
  if (min < max) return { min, max }
  const half = min === 0 ? 1 : Math.abs(min) * 0.1
  return { min: min - half, max: max + half }
}

/** The extent with some room on both sides, so marks do not touch the frame. */
export const padded = ({ min, max }: Extent, fraction = 0.06): Extent => {
  const room = (max - min) * fraction
  return { min: min - room, max: max + room }
}

/** Maps a domain linearly onto a pixel range (the range may run backwards, as y does). */
export const linearScale =
  (domain: Extent, from: number, to: number) =>
  (value: number): number =>
    from + ((value - domain.min) / (domain.max - domain.min)) * (to - from)

/**
 * About `count` round tick values (1, 2 or 5 times a power of ten) inside the extent
 * (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990).
 */
export const niceTicks = ({ min, max }: Extent, count = 5): ReadonlyArray<number> => {
  const span = max - min
  if (!(span > 0) || !Number.isFinite(span)) return [min]
  const rough = span / Math.max(1, count)
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = ([1, 2, 5, 10].find((factor) => factor * power >= rough) ?? 10) * power
  const ticks: number[] = []
  for (let tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step) {
    ticks.push(Math.abs(tick) < step * 1e-9 ? 0 : Number(tick.toPrecision(12)))
  }
  return ticks
}

/** A coordinate with at most one decimal. */
export const px = (value: number): string => String(Math.round(value * 10) / 10)
