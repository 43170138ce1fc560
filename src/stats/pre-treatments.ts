import type { PreTreatment } from "../domain/pre-treatment-catalogue.js"

/**
 * Jetstream's pre-treatments (jetstream/pre_treatment.py), applied in order to a metric's
 * per-client values before its statistic. NaN stands for SQL NULL; ±Infinity are the
 * indefinites. What each does, as Jetstream does it:
 *
 * - remove_nulls: drops rows whose value is NULL.
 * - remove_indefinites: drops rows whose value is NULL, +∞ or −∞ (Jetstream only replaces
 *   +∞ by NULL before dropping NULLs, so −∞, which `log` makes of 0, survives it there).
 * - censor_highest_values(fraction = 1 − 1e−5): keeps rows with value < q, q the
 *   fraction-quantile (pandas' Series.quantile: NULLs skipped, type 7 with numpy's
 *   interpolation) — rows at or above q are REMOVED, not capped.
 * - censor_lowest_values(fraction = 1e−5): keeps rows with value > q (the fraction-quantile).
 * - censor_values_below_threshold(threshold): keeps rows with value > threshold (so rows
 *   equal to the threshold go too).
 * - censor_values_above_threshold(threshold): keeps rows with value < threshold.
 *   All four censors drop NULL rows as well: a comparison with NULL is false.
 * - normalize_over_analysis_period: divides by the analysis window's length in days.
 * - log(base = 10): log(x)/log(base), numpy's np.log — not log1p: log 0 = −∞ and a negative
 *   value becomes NULL (NaN), both kept as rows (remove_indefinites drops them after).
 *   Bases 10 and 2 use log₁₀ and log₂ so whole powers of the base come out whole.
 * - zero_fill: NULL becomes 0 (infinities are left alone).
 *
 * Jetstream applies pre-treatments to the whole segment's data, all branches together, so
 * the censoring quantiles are pooled over branches: `applyPreTreatmentsAcrossBranches`
 * does the same.
 */

export interface PreTreatmentContext {
  /** Days in the analysis window, for normalize_over_analysis_period. */
  readonly analysisPeriodLength: number
}

/** Decides, from the deciding column, whether a row stays. */
type RowRule = (value: number) => boolean

type Treatment =
  | { readonly kind: "keep-rows"; readonly ruleFor: (deciding: Float64Array) => RowRule }
  | { readonly kind: "map-values"; readonly map: (value: number) => number }

/**
 * pandas' Series.quantile(q): NULLs skipped, then numpy's linear (type 7) quantile at
 * position q·(n − 1), interpolating as numpy's `_lerp` does (b − (b − a)·(1 − t) for
 * t ≥ 0.5). Where an infinity meets the interpolation the limit is taken, where numpy
 * returns NaN (which would censor every row).
 */
const quantileSkippingNulls = (values: Float64Array, q: number): number => {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort()
  const n = sorted.length
  if (n === 0) return Number.NaN
  const position = (n - 1) * q
  if (position >= n - 1) return sorted[n - 1] ?? Number.NaN
  if (position <= 0) return sorted[0] ?? Number.NaN
  const below = Math.floor(position)
  const t = position - below
  const a = sorted[below] ?? Number.NaN
  const b = sorted[below + 1] ?? Number.NaN
  if (t === 0 || a === b) return a
  if (a === Number.NEGATIVE_INFINITY) return b === Number.POSITIVE_INFINITY ? Number.NaN : a
  if (b === Number.POSITIVE_INFINITY) return b
  const difference = b - a
  return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
}

const isPresent: RowRule = (value) => !Number.isNaN(value)
const isDefinite: RowRule = (value) => Number.isFinite(value)
const isBelow =
  (limit: number): RowRule =>
  (value) =>
    value < limit
const isAbove =
  (limit: number): RowRule =>
  (value) =>
    value > limit

const logarithm = (base: number) => {
  if (base === 10) return Math.log10
  if (base === 2) return Math.log2
  const logOfBase = Math.log(base)
  return (value: number) => Math.log(value) / logOfBase
}

const requirePeriodLength = (days: number): number => {
  if (!(Number.isFinite(days) && days > 0)) {
    throw new RangeError(`the analysis period must last a positive number of days, got ${days}`)
  }
  return days
}

export const removeNulls = (values: Float64Array): Float64Array => values.filter(isPresent)

export const removeIndefinites = (values: Float64Array): Float64Array => values.filter(isDefinite)

export const censorHighestValues = (values: Float64Array, fraction: number): Float64Array =>
  values.filter(isBelow(quantileSkippingNulls(values, fraction)))

export const censorLowestValues = (values: Float64Array, fraction: number): Float64Array =>
  values.filter(isAbove(quantileSkippingNulls(values, fraction)))

export const censorValuesBelowThreshold = (values: Float64Array, threshold: number): Float64Array =>
  values.filter(isAbove(threshold))

export const censorValuesAboveThreshold = (values: Float64Array, threshold: number): Float64Array =>
  values.filter(isBelow(threshold))

export const normalizeOverAnalysisPeriod = (
  values: Float64Array,
  analysisPeriodLength: number,
): Float64Array => {
  const days = requirePeriodLength(analysisPeriodLength)
  return values.map((value) => value / days)
}

export const logTransform = (values: Float64Array, base: number): Float64Array =>
  values.map(logarithm(base))

export const zeroFill = (values: Float64Array): Float64Array =>
  values.map((value) => (Number.isNaN(value) ? 0 : value))

const treatmentOf = (preTreatment: PreTreatment, context: PreTreatmentContext): Treatment => {
  switch (preTreatment.name) {
    case "remove_nulls":
      return { kind: "keep-rows", ruleFor: () => isPresent }
    case "remove_indefinites":
      return { kind: "keep-rows", ruleFor: () => isDefinite }
    case "censor_highest_values": {
      const { fraction } = preTreatment.parameters
      return {
        kind: "keep-rows",
        ruleFor: (deciding) => isBelow(quantileSkippingNulls(deciding, fraction)),
      }
    }
    case "censor_lowest_values": {
      const { fraction } = preTreatment.parameters
      return {
        kind: "keep-rows",
        ruleFor: (deciding) => isAbove(quantileSkippingNulls(deciding, fraction)),
      }
    }
    case "censor_values_below_threshold": {
      const rule = isAbove(preTreatment.parameters.threshold)
      return { kind: "keep-rows", ruleFor: () => rule }
    }
    case "censor_values_above_threshold": {
      const rule = isBelow(preTreatment.parameters.threshold)
      return { kind: "keep-rows", ruleFor: () => rule }
    }
    case "normalize_over_analysis_period": {
      const days = requirePeriodLength(context.analysisPeriodLength)
      return { kind: "map-values", map: (value) => value / days }
    }
    case "log":
      return {
        kind: "map-values",
        map: logarithm(preTreatment.parameters.base),
      }
    case "zero_fill":
      return { kind: "map-values", map: (value) => (Number.isNaN(value) ? 0 : value) }
  }
}

type Columns = ReadonlyArray<Float64Array>

const requireAligned = (columns: Columns): Columns => {
  const length = columns[0]?.length ?? 0
  if (columns.some((column) => column.length !== length)) {
    throw new RangeError(
      `paired columns must have one value per row, got lengths ${columns.map((column) => column.length).join(", ")}`,
    )
  }
  return columns
}

const keepRows = (columns: Columns, rule: RowRule): Columns => {
  const deciding = columns[0] ?? new Float64Array()
  const kept: number[] = []
  deciding.forEach((value, row) => {
    if (rule(value)) kept.push(row)
  })
  return columns.map((column) => Float64Array.from(kept, (row) => column[row] ?? Number.NaN))
}

/**
 * The pre-treatments in order over groups of aligned columns (a branch's metric and the
 * columns paired with it: population_ratio's numerator and denominator, a covariate). The
 * first column of each group decides which rows go, and they go from every column; a
 * censoring quantile is computed over the first columns of all groups together. Value
 * transforms (normalize, log, zero_fill) apply to every column.
 */
const applyToGroups = (
  groups: ReadonlyArray<Columns>,
  preTreatments: ReadonlyArray<PreTreatment>,
  context: PreTreatmentContext,
): ReadonlyArray<Columns> => {
  let current = groups.map(requireAligned)
  for (const preTreatment of preTreatments) {
    const treatment = treatmentOf(preTreatment, context)
    if (treatment.kind === "map-values") {
      current = current.map((columns) => columns.map((column) => column.map(treatment.map)))
    } else {
      const pooled = current.flatMap((columns) => (columns[0] === undefined ? [] : [columns[0]]))
      const rule = treatment.ruleFor(concatenate(pooled))
      current = current.map((columns) => keepRows(columns, rule))
    }
  }
  return current
}

const concatenate = (parts: ReadonlyArray<Float64Array>): Float64Array => {
  const joined = new Float64Array(parts.reduce((total, part) => total + part.length, 0))
  let offset = 0
  for (const part of parts) {
    joined.set(part, offset)
    offset += part.length
  }
  return joined
}

/** The pre-treatments in order on one column of per-client values. */
export const applyPreTreatments = (
  values: Float64Array,
  preTreatments: ReadonlyArray<PreTreatment>,
  context: PreTreatmentContext,
): Float64Array => applyToGroups([[values]], preTreatments, context)[0]?.[0] ?? new Float64Array()

/**
 * The pre-treatments in order on aligned columns (same length, row i is one client): the
 * first column decides which rows are dropped, and they are dropped from every column, so
 * rows stay aligned; value transforms apply to every column.
 */
export const applyPreTreatmentsToColumns = (
  columns: ReadonlyArray<Float64Array>,
  preTreatments: ReadonlyArray<PreTreatment>,
  context: PreTreatmentContext,
): ReadonlyArray<Float64Array> => applyToGroups([columns], preTreatments, context)[0] ?? []

/**
 * The pre-treatments as Jetstream applies them, to the whole segment at once: censoring
 * quantiles are taken over every branch's first column pooled, then each branch loses its
 * own rows beyond them. Otherwise as `applyPreTreatmentsToColumns`, branch by branch.
 */
export const applyPreTreatmentsAcrossBranches = (
  branches: ReadonlyMap<string, ReadonlyArray<Float64Array>>,
  preTreatments: ReadonlyArray<PreTreatment>,
  context: PreTreatmentContext,
): ReadonlyMap<string, ReadonlyArray<Float64Array>> => {
  const names = [...branches.keys()]
  const treated = applyToGroups(
    names.map((name) => branches.get(name) ?? []),
    preTreatments,
    context,
  )
  return new Map(names.map((name, index) => [name, treated[index] ?? []]))
}
