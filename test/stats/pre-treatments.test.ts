import { describe, expect, it } from "@effect/vitest"
import { type PreTreatmentName, preTreatmentOf } from "../../src/domain/pre-treatment-catalogue.js"
import {
  applyPreTreatments,
  applyPreTreatmentsAcrossBranches,
  applyPreTreatmentsToColumns,
  censorHighestValues,
  censorLowestValues,
  censorValuesAboveThreshold,
  censorValuesBelowThreshold,
  logTransform,
  normalizeOverAnalysisPeriod,
  removeIndefinites,
  removeNulls,
  zeroFill,
} from "../../src/stats/pre-treatments.js"

/*
 * Expectations from Jetstream's jetstream/tests/test_pretreatment.py, and numpy 2.4:
 *
 *   import numpy as np
 *   r = np.arange(10000.0); np.quantile(r, 0.9) == 8999.1   # 9000 values below it
 *   ten = np.arange(10.0)
 *   np.quantile(ten, 1 - 1e-5) == 8.99991; np.quantile(ten, 1e-5) == 9e-05
 *   np.nanquantile([3, nan, 7, 1, 7, 5], 0.5) == 5.0
 *   np.log(np.arange(-1.0, 11.0)) / np.log(10)
 *     == [nan, -inf, 0, 0.30103, 0.47712125, ..., 0.95424251, 1]
 */

/** SQL NULL. */
const NULL = Number.NaN
const inf = Number.POSITIVE_INFINITY
const context = { analysisPeriodLength: 7 }
const step = (name: PreTreatmentName, parameters: object = {}) => preTreatmentOf(name, parameters)
/** A pre-treatment by name with the catalogue's defaults, on one column. */
const withDefaults = (name: PreTreatmentName, values: Float64Array) =>
  applyPreTreatments(values, [step(name)], context)
const range = (start: number, end: number) =>
  Float64Array.from({ length: end - start }, (_, index) => start + index)
const list = (values: Float64Array) => Array.from(values)

describe("each pre-treatment, as Jetstream's", () => {
  it("remove_nulls drops NULL rows and keeps infinities (test_remove_nulls)", () => {
    expect(list(removeNulls(Float64Array.from([1, 3, 5])))).toEqual([1, 3, 5])
    expect(list(removeNulls(Float64Array.from([2, NULL, inf])))).toEqual([2, inf])
  })

  it("remove_indefinites drops NULL and both infinities (test_remove_indefinites)", () => {
    expect(list(removeIndefinites(Float64Array.from([2, inf, 7])))).toEqual([2, 7])
    // Jetstream only replaces +inf, so it would keep −∞; −∞ is what log makes of 0.
    expect(list(removeIndefinites(Float64Array.from([2, -inf, NULL, 7])))).toEqual([2, 7])
  })

  it("censor_highest_values removes the rows at or above the quantile (test_censor_highest_values)", () => {
    expect(censorHighestValues(range(0, 10000), 0.9).length).toBe(9000)
    // Default fraction 1 − 1e−5: np.quantile(0..9) is 8.99991, so 9 goes.
    expect(list(withDefaults("censor_highest_values", range(0, 10)))).toEqual(list(range(0, 9)))
    // Removed, not capped: every copy of the top value goes.
    expect(list(censorHighestValues(Float64Array.from([1, 2, 9, 9, 9]), 0.7))).toEqual([1, 2])
  })

  it("censor_lowest_values removes the rows at or below the quantile (test_censor_lowest_values)", () => {
    expect(censorLowestValues(range(0, 10000), 0.1).length).toBe(9000)
    // Default fraction 1e−5: np.quantile(0..9) is 9e−05, so 0 goes.
    expect(list(withDefaults("censor_lowest_values", range(0, 10)))).toEqual(list(range(1, 10)))
  })

  it("censors by the quantile of non-NULL values and drops NULL rows as well", () => {
    // pandas: Series([3, nan, 7, 1, 7, 5]).quantile(0.5) == 5.0; NULL < 5 is False
    expect(list(censorHighestValues(Float64Array.from([3, NULL, 7, 1, 7, 5]), 0.5))).toEqual([3, 1])
    expect(list(censorLowestValues(Float64Array.from([3, NULL, 7, 1, 7, 5]), 0.5))).toEqual([7, 7])
  })

  it("removes every row when all values are equal, as Jetstream does", () => {
    expect(withDefaults("censor_highest_values", Float64Array.from([4, 4, 4])).length).toBe(0)
  })

  it("takes the limit where an infinity meets the censoring quantile (numpy would give NaN)", () => {
    expect(list(censorHighestValues(Float64Array.from([1, 2, 3, inf]), 0.9))).toEqual([1, 2, 3])
    expect(list(censorLowestValues(Float64Array.from([-inf, 1, 2, 3]), 0.1))).toEqual([1, 2, 3])
  })

  it("censors values below or above a threshold, the threshold itself included (test_censor_*_threshold)", () => {
    const values = Float64Array.from([...Array(150).fill(0.05), ...Array(50).fill(1.1)])
    expect(censorValuesBelowThreshold(values, 0.1).length).toBe(50)
    expect(censorValuesAboveThreshold(values, 0.1).length).toBe(150)
    const around = Float64Array.from([1, 2, 3, NULL])
    expect(list(censorValuesBelowThreshold(around, 2))).toEqual([3])
    expect(list(censorValuesAboveThreshold(around, 2))).toEqual([1])
  })

  it("normalize_over_analysis_period divides by the window's days (test_normalize_analysis_period)", () => {
    const normalised = normalizeOverAnalysisPeriod(Float64Array.from([1, 3, 5]), 10)
    expect(normalised[0]).toBe(1 / 10)
    expect(normalised[2]).toBe(1 / 2)
    expect(() => normalizeOverAnalysisPeriod(Float64Array.from([1]), 0)).toThrow(RangeError)
  })

  it("log keeps every row: 0 becomes −∞, a negative NULL, 10 becomes 1 (test_log_transform)", () => {
    const logged = withDefaults("log", range(-1, 11))
    expect(logged.length).toBe(12)
    expect(logged.filter(Number.isNaN).length).toBe(1)
    expect(logged.filter((value) => value === -inf).length).toBe(1)
    expect(logged[11]).toBe(1)
    expect(logged[3]).toBeCloseTo(0.30103, 5)
    expect(logged[10]).toBeCloseTo(0.95424251, 8)
    // Not log1p: log 1 = 0.
    expect(logged[2]).toBe(0)
  })

  it("log in other bases; whole powers of 10 and 2 come out whole", () => {
    expect(list(logTransform(Float64Array.from([1000, 1e-3]), 10))).toEqual([3, -3])
    expect(list(logTransform(Float64Array.from([8, 0.5]), 2))).toEqual([3, -1])
    expect(logTransform(Float64Array.from([81]), 3)[0]).toBeCloseTo(4, 14)
    expect(logTransform(Float64Array.from([Math.E ** 2]), Math.E)[0]).toBeCloseTo(2, 14)
  })

  it("zero_fill replaces NULL by 0 and leaves infinities (test_zero_fill)", () => {
    expect(list(zeroFill(Float64Array.from([1, NULL, 5, inf])))).toEqual([1, 0, 5, inf])
  })
})

describe("pre-treatments by name, in order", () => {
  it("applies the configured list in its order", () => {
    const values = Float64Array.from([-1, 0, 1, 10, 100])
    expect(
      list(applyPreTreatments(values, [step("log"), step("remove_indefinites")], context)),
    ).toEqual([0, 1, 2])
    const reversed = applyPreTreatments(values, [step("remove_indefinites"), step("log")], context)
    expect(list(reversed)).toEqual([NULL, -inf, 0, 1, 2])
  })

  it("reads the catalogue's parameters and defaults", () => {
    const values = range(0, 10)
    expect(list(applyPreTreatments(values, [step("censor_highest_values")], context))).toEqual(
      list(range(0, 9)),
    )
    expect(
      applyPreTreatments(values, [step("censor_highest_values", { fraction: 0.5 })], context)
        .length,
    ).toBe(5)
    expect(
      list(
        applyPreTreatments(
          values,
          [step("censor_values_above_threshold", { threshold: 3 })],
          context,
        ),
      ),
    ).toEqual([0, 1, 2])
    expect(
      list(applyPreTreatments(Float64Array.from([8]), [step("log", { base: 2 })], context)),
    ).toEqual([3])
    expect(
      list(
        applyPreTreatments(
          Float64Array.from([14, NULL]),
          [step("normalize_over_analysis_period"), step("zero_fill")],
          context,
        ),
      ),
    ).toEqual([2, 0])
    expect(() =>
      applyPreTreatments(values, [step("censor_values_below_threshold")], context),
    ).toThrow(RangeError)
  })

  it("leaves the values alone when there is nothing to apply", () => {
    const values = Float64Array.from([1, NULL, inf])
    expect(list(applyPreTreatments(values, [], context))).toEqual([1, NULL, inf])
  })
})

describe("pre-treatments on paired columns", () => {
  it("drops the rows the first column decides from every column (Jetstream drops whole rows)", () => {
    const metric = Float64Array.from([1, NULL, 3, 100, 5])
    const covariate = Float64Array.from([10, 20, NULL, 40, 50])
    const [treatedMetric, treatedCovariate] = applyPreTreatmentsToColumns(
      [metric, covariate],
      [step("remove_nulls"), step("censor_values_above_threshold", { threshold: 50 })],
      context,
    )
    expect(list(treatedMetric ?? new Float64Array())).toEqual([1, 3, 5])
    expect(list(treatedCovariate ?? new Float64Array())).toEqual([10, NULL, 50])
  })

  it("censors by the first column's quantile and transforms every column", () => {
    const numerator = Float64Array.from([5, 1, 9, 3])
    const denominator = Float64Array.from([10, 100, 1000, 10000])
    const [top, bottom] = applyPreTreatmentsToColumns(
      [numerator, denominator],
      [step("censor_highest_values", { fraction: 0.75 }), step("log")],
      context,
    )
    // np.quantile([5, 1, 9, 3], 0.75) == 6.0: the row holding 9 goes from both columns.
    expect(list(bottom ?? new Float64Array())).toEqual([1, 2, 4])
    expect(top?.[0]).toBeCloseTo(Math.log10(5), 15)
    expect(top?.length).toBe(3)
  })

  it("refuses columns of different lengths", () => {
    expect(() =>
      applyPreTreatmentsToColumns([Float64Array.from([1, 2]), Float64Array.from([1])], [], context),
    ).toThrow(RangeError)
  })

  it("pools censoring quantiles over branches, as Jetstream treats the whole segment at once", () => {
    const branches = new Map([
      ["control", [range(1, 11)]],
      ["treatment", [range(91, 101)]],
    ])
    const censor = [step("censor_highest_values", { fraction: 0.5 })]
    // np.quantile(np.r_[1:11, 91:101], 0.5) == 50.5: all of control stays, all of treatment goes.
    const pooled = applyPreTreatmentsAcrossBranches(branches, censor, context)
    expect(pooled.get("control")?.[0]?.length).toBe(10)
    expect(pooled.get("treatment")?.[0]?.length).toBe(0)
    // Branch by branch each would keep its lower half instead.
    expect(applyPreTreatmentsToColumns([range(91, 101)], censor, context)[0]?.length).toBe(5)
  })
})
