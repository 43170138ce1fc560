import { describe, expect, it } from "@effect/vitest"
import type { EstimateRow } from "../../src/stats/estimate.js"
import {
  fitLinearModel,
  type LinearModelSums,
  linearModelMean,
  linearModelSumsOf,
} from "../../src/stats/linear-model.js"

/*
 * Reference numbers: a direct per-row OLS in numpy 2.4 / scipy 1.17 (statsmodels is not
 * installed; lstsq and the classic formulas give the same fit). Re-derive with:
 *
 * import numpy as np
 * from scipy import stats
 *
 * def fit(data, confidence, covariate=True):  # data: branch -> (y, x)
 *     names = list(data)
 *     y = np.concatenate([data[b][0] for b in names]).astype(float)
 *     g = np.concatenate([[i] * len(data[b][0]) for i, b in enumerate(names)])
 *     X = (g[:, None] == np.arange(len(names))).astype(float)  # one indicator per branch
 *     if covariate:
 *         x = np.concatenate([data[b][1] for b in names]).astype(float)
 *         X = np.column_stack([X, x - x.mean()])  # one common slope, x centred
 *     beta = np.linalg.lstsq(X, y, rcond=None)[0]
 *     df = len(y) - X.shape[1]
 *     C = np.sum((y - X @ beta) ** 2) / df * np.linalg.inv(X.T @ X)
 *     t = stats.t.ppf((1 + confidence) / 2, df)
 *     rows = [(b, None, None, beta[i], np.sqrt(C[i, i]), None) for i, b in enumerate(names)]
 *     for r, ref in enumerate(names):
 *         for f, foc in enumerate(names):
 *             if f == r: continue
 *             c = np.zeros(len(beta)); c[f], c[r] = 1, -1
 *             d, se = c @ beta, np.sqrt(c @ C @ c)
 *             rows.append((foc, "difference", ref, d, se, 2 * stats.t.sf(abs(d) / se, df)))
 *             m = beta[r]; grad = c / m; grad[r] -= d / m**2  # gradient of d / m
 *             rows.append((foc, "relative_uplift", ref, d / m, np.sqrt(grad @ C @ grad), None))
 *     return [(b, comp, ref, p, p - t * se, p + t * se, pv) for b, comp, ref, p, se, pv in rows]
 *
 * three = {"control": (controlY, controlX), "treatment-a": (aY, aX), "treatment-b": (bY, bX)}
 * fit(three, 0.90); fit(three, 0.90, covariate=False)
 * fit({"control": (controlY,), "solo": ([7.5],)}, 0.95, covariate=False)
 * fit({"control": (controlY, controlX), "solo": ([7.5], [4.0])}, 0.95)
 * stats.ttest_ind(aY, controlY, equal_var=True)       # .pvalue, .confidence_interval(0.95)
 * stats.ttest_ind(aY, controlY, equal_var=False).pvalue
 * stats.t.interval(0.99, 11, loc=np.mean(controlY), scale=stats.sem(controlY))
 *
 * The data: x ~ Gamma(4, 1.5) rounded to 0.1, y = 3 + effect + 0.9·x + N(0, 0.8²) rounded
 * to 0.01 (numpy default_rng(7)), so the covariate is strong.
 */
const controlX = [5.5, 4.7, 4.3, 5.7, 4.2, 7, 5.8, 5.4, 2.5, 1.7, 2.6, 6]
const controlY = [5.94, 6.8, 6.83, 8.22, 5.56, 8.92, 7.44, 7.21, 6.1, 3.88, 5.31, 9.11]
const aX = [4, 5.8, 2.7, 10.4, 8.4, 3.9, 8, 5.7, 5, 5.3, 10.8, 6.1, 5.9, 4, 8.5]
const aY = [
  6.14, 8.18, 6.55, 11.37, 10.79, 7.03, 11.81, 9.28, 7.84, 8.08, 13.12, 10.31, 8.57, 6.96, 11.53,
]
const bX = [5.2, 2.9, 4.3, 7.6, 7.7, 9.1, 7.4, 6.6, 1.5, 3.3]
const bY = [9.08, 4.54, 5.97, 9.6, 9.92, 10.65, 9.1, 9.1, 4.37, 4.74]

const sumsOf = (y: ReadonlyArray<number>, x?: ReadonlyArray<number>): LinearModelSums =>
  linearModelSumsOf(Float64Array.from(y), x === undefined ? undefined : Float64Array.from(x))

const adjusted = new Map([
  ["control", sumsOf(controlY, controlX)],
  ["treatment-a", sumsOf(aY, aX)],
  ["treatment-b", sumsOf(bY, bX)],
])
const unadjusted = new Map([
  ["control", sumsOf(controlY)],
  ["treatment-a", sumsOf(aY)],
  ["treatment-b", sumsOf(bY)],
])

const near = (actual: number | undefined, expected: number, tolerance = 1e-9): void => {
  expect(actual).toBeDefined()
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(
    tolerance * Math.max(1, Math.abs(expected)),
  )
}

/** Same rows in the same order, every number within 1e-9 (relative above 1). */
const expectRows = (
  actual: ReadonlyArray<EstimateRow>,
  expected: ReadonlyArray<EstimateRow>,
): void => {
  const label = (row: EstimateRow) => [row.branch, row.comparison, row.comparisonToBranch]
  expect(actual.map(label)).toEqual(expected.map(label))
  expected.forEach((row, index) => {
    const got = actual[index]
    near(got?.point, row.point)
    near(got?.lower, row.lower ?? Number.NaN)
    near(got?.upper, row.upper ?? Number.NaN)
    if (row.pValue === undefined) expect(got?.pValue).toBeUndefined()
    else near(got?.pValue, row.pValue)
  })
}

const rowOf = (
  rows: ReadonlyArray<EstimateRow>,
  branch: string,
  comparison?: EstimateRow["comparison"],
  reference?: string,
): EstimateRow | undefined =>
  rows.find(
    (row) =>
      row.branch === branch &&
      row.comparison === comparison &&
      row.comparisonToBranch === reference,
  )

describe("linearModelSumsOf", () => {
  it("sums y, y², x, x², xy", () => {
    expect(sumsOf([1, 2, 4], [3, 0, -1])).toEqual({
      n: 3,
      sumY: 7,
      sumY2: 21,
      sumX: 2,
      sumX2: 10,
      sumXY: -1,
    })
    expect(sumsOf([1, 2, 4])).toEqual({ n: 3, sumY: 7, sumY2: 21 })
  })

  it("skips rows with a missing y or x, and rows beyond the end of x", () => {
    expect(sumsOf([1, Number.NaN, 4, 5, 6], [3, 1, Number.NaN, 2])).toEqual({
      n: 2,
      sumY: 6,
      sumY2: 26,
      sumX: 5,
      sumX2: 13,
      sumXY: 13,
    })
    expect(sumsOf([Number.NaN, 2])).toEqual({ n: 1, sumY: 2, sumY2: 4 })
  })
})

describe("linearModelMean", () => {
  it("with a covariate, equals a per-row OLS of y ~ C(branch) + x (numpy) at 90%", () => {
    const { rows, warnings } = linearModelMean(adjusted, { confidence: 0.9 })
    expect(warnings).toEqual([])
    expectRows(rows, [
      {
        branch: "control",
        point: 7.60041298390327,
        lower: 7.212486398074072,
        upper: 7.988339569732469,
      },
      {
        branch: "treatment-a",
        point: 8.515153018735951,
        lower: 8.170334941990234,
        upper: 8.859971095481669,
      },
      {
        branch: "treatment-b",
        point: 7.7017748912121515,
        lower: 7.289632733352031,
        upper: 8.113917049072272,
      },
      {
        branch: "treatment-a",
        comparison: "difference",
        comparisonToBranch: "control",
        point: 0.9147400348326808,
        lower: 0.3821903605745681,
        upper: 1.4472897090907937,
        pValue: 0.006477362325401664,
      },
      {
        branch: "treatment-a",
        comparison: "relative_uplift",
        comparisonToBranch: "control",
        point: 0.12035399086470518,
        lower: 0.04549389833025966,
        upper: 0.1952140833991507,
      },
      {
        branch: "treatment-b",
        comparison: "difference",
        comparisonToBranch: "control",
        point: 0.10136190730888117,
        lower: -0.46473133848822057,
        upper: 0.6674551531059829,
        pValue: 0.7637722814839225,
      },
      {
        branch: "treatment-b",
        comparison: "relative_uplift",
        comparisonToBranch: "control",
        point: 0.013336368368870625,
        lower: -0.06161380866545064,
        upper: 0.08828654540319189,
      },
      {
        branch: "control",
        comparison: "difference",
        comparisonToBranch: "treatment-a",
        point: -0.9147400348326808,
        lower: -1.4472897090907937,
        upper: -0.3821903605745681,
        pValue: 0.006477362325401664,
      },
      {
        branch: "control",
        comparison: "relative_uplift",
        comparisonToBranch: "treatment-a",
        point: -0.10742496732824083,
        lower: -0.16706526859424725,
        upper: -0.04778466606223442,
      },
      {
        branch: "treatment-b",
        comparison: "difference",
        comparisonToBranch: "treatment-a",
        point: -0.8133781275237997,
        lower: -1.3506587328090065,
        upper: -0.27609752223859296,
        pValue: 0.015158468487906774,
      },
      {
        branch: "treatment-b",
        comparison: "relative_uplift",
        comparisonToBranch: "treatment-a",
        point: -0.09552125789567352,
        lower: -0.15620929454774726,
        upper: -0.034833221243599784,
      },
      {
        branch: "control",
        comparison: "difference",
        comparisonToBranch: "treatment-b",
        point: -0.10136190730888117,
        lower: -0.6674551531059829,
        upper: 0.46473133848822057,
        pValue: 0.7637722814839225,
      },
      {
        branch: "control",
        comparison: "relative_uplift",
        comparisonToBranch: "treatment-b",
        point: -0.013160850419626875,
        lower: -0.08615119328524877,
        upper: 0.05982949244599502,
      },
      {
        branch: "treatment-a",
        comparison: "difference",
        comparisonToBranch: "treatment-b",
        point: 0.8133781275237997,
        lower: 0.27609752223859296,
        upper: 1.3506587328090065,
        pValue: 0.015158468487906774,
      },
      {
        branch: "treatment-a",
        comparison: "relative_uplift",
        comparisonToBranch: "treatment-b",
        point: 0.10560917957390278,
        lower: 0.031425843593286776,
        upper: 0.1797925155545188,
      },
    ])
  })

  it("fits the coefficients of numpy's lstsq: one common slope, N − k − 1 degrees of freedom", () => {
    const { fit } = fitLinearModel(adjusted)
    near(fit?.slope, 0.8787682961390004)
    expect(fit?.degreesOfFreedom).toBe(37 - 3 - 1)
    expect([...(fit?.adjustedMeans ?? [])]).toHaveLength(3)
    near(fit?.adjustedMeans[1], 8.515153018735951)
  })

  it("without a covariate, equals the per-row OLS of y ~ C(branch) (one-way ANOVA) at 90%", () => {
    const { rows, warnings } = linearModelMean(unadjusted, { confidence: 0.9 })
    expect(warnings).toEqual([])
    expectRows(rows, [
      {
        branch: "control",
        point: 6.776666666666668,
        lower: 5.756359490437585,
        upper: 7.796973842895751,
      },
      {
        branch: "treatment-a",
        point: 9.170666666666666,
        lower: 8.258076185075032,
        upper: 10.0832571482583,
      },
      {
        branch: "treatment-b",
        point: 7.706999999999997,
        lower: 6.589309487989862,
        upper: 8.824690512010132,
      },
      {
        branch: "treatment-a",
        comparison: "difference",
        comparisonToBranch: "control",
        point: 2.3939999999999975,
        lower: 1.0251142776125453,
        upper: 3.7628857223874497,
        pValue: 0.005611709250926439,
      },
      {
        branch: "treatment-a",
        comparison: "relative_uplift",
        comparisonToBranch: "control",
        point: 0.35327102803738275,
        lower: 0.10903849968101587,
        upper: 0.5975035563937496,
      },
      {
        branch: "treatment-b",
        comparison: "difference",
        comparisonToBranch: "control",
        point: 0.930333333333329,
        lower: -0.5830267740112653,
        upper: 2.443693440677923,
        pValue: 0.30591282555056554,
      },
      {
        branch: "treatment-b",
        comparison: "relative_uplift",
        comparisonToBranch: "control",
        point: 0.1372848007870136,
        lower: -0.10046066931809206,
        upper: 0.37503027089211927,
      },
      {
        branch: "control",
        comparison: "difference",
        comparisonToBranch: "treatment-a",
        point: -2.3939999999999975,
        lower: -3.7628857223874497,
        upper: -1.0251142776125453,
        pValue: 0.005611709250926439,
      },
      {
        branch: "control",
        comparison: "relative_uplift",
        comparisonToBranch: "treatment-a",
        point: -0.2610497237569058,
        lower: -0.39441228791245886,
        upper: -0.1276871596013528,
      },
      {
        branch: "treatment-b",
        comparison: "difference",
        comparisonToBranch: "treatment-a",
        point: -1.4636666666666684,
        lower: -2.906598913076433,
        upper: -0.020734420256903974,
        pValue: 0.09540630836398654,
      },
      {
        branch: "treatment-b",
        comparison: "relative_uplift",
        comparisonToBranch: "treatment-a",
        point: -0.15960308229136397,
        lower: -0.3074131647098347,
        upper: -0.0117929998728932,
      },
      {
        branch: "control",
        comparison: "difference",
        comparisonToBranch: "treatment-b",
        point: -0.930333333333329,
        lower: -2.443693440677923,
        upper: 0.5830267740112653,
        pValue: 0.30591282555056554,
      },
      {
        branch: "control",
        comparison: "relative_uplift",
        comparisonToBranch: "treatment-b",
        point: -0.12071277193892946,
        lower: -0.30452473816597475,
        upper: 0.06309919428811583,
      },
      {
        branch: "treatment-a",
        comparison: "difference",
        comparisonToBranch: "treatment-b",
        point: 1.4636666666666684,
        lower: 0.020734420256903974,
        upper: 2.906598913076433,
        pValue: 0.09540630836398654,
      },
      {
        branch: "treatment-a",
        comparison: "relative_uplift",
        comparisonToBranch: "treatment-b",
        point: 0.18991393105834553,
        lower: -0.019369649728891852,
        upper: 0.39919751184558294,
      },
    ])
  })

  it("for two branches without a covariate, is Student's pooled two-sample t-test, not Welch's", () => {
    const { rows } = linearModelMean(
      new Map([
        ["control", sumsOf(controlY)],
        ["treatment-a", sumsOf(aY)],
      ]),
      { confidence: 0.95 },
    )
    const difference = rowOf(rows, "treatment-a", "difference", "control")
    near(difference?.point, 9.170666666666666 - 6.776666666666667)
    near(difference?.lower, 0.8583804327491498)
    near(difference?.upper, 3.929619567250847)
    near(difference?.pValue, 0.0036190471144617767)
    // Welch's test (unequal variances, 24.66 degrees of freedom) gives 0.0026731798745371.
    expect(Math.abs((difference?.pValue ?? 0) - 0.0026731798745371)).toBeGreaterThan(1e-4)
  })

  it("for one branch, is the one-sample t-interval of the mean (n − 1 degrees of freedom)", () => {
    const { rows, warnings } = linearModelMean(new Map([["control", sumsOf(controlY)]]), {
      confidence: 0.99,
    })
    expect(warnings).toEqual([])
    expectRows(rows, [
      {
        branch: "control",
        point: 6.776666666666667,
        lower: 5.400056349892393,
        upper: 8.153276983440943,
      },
    ])
  })

  it("narrows every interval of a difference when the covariate is strong (CUPED)", () => {
    const width = (row: EstimateRow | undefined) => (row?.upper ?? Number.NaN) - (row?.lower ?? 0)
    const withCovariate = linearModelMean(adjusted, { confidence: 0.95 }).rows
    const without = linearModelMean(unadjusted, { confidence: 0.95 }).rows
    const differences = without.filter((row) => row.comparison === "difference")
    expect(differences).toHaveLength(6)
    for (const row of differences) {
      const adjustedRow = rowOf(withCovariate, row.branch, "difference", row.comparisonToBranch)
      expect(width(adjustedRow)).toBeLessThan(0.5 * width(row))
    }
  })

  it("narrows the interval as the confidence level falls, at any level", () => {
    const at = (confidence: number) =>
      rowOf(linearModelMean(adjusted, { confidence }).rows, "treatment-a", "difference", "control")
    const levels = [0.999, 0.95, 0.8, 0.5, 0.1]
    const widths = levels.map((level) => (at(level)?.upper ?? 0) - (at(level)?.lower ?? 0))
    for (let index = 1; index < widths.length; index++) {
      expect(widths[index]).toBeLessThan(widths[index - 1] ?? 0)
    }
    for (const level of levels) near(at(level)?.point, 0.9147400348326808)
  })

  it("estimates a branch of one client from the pooled variance (numpy)", () => {
    const unadjustedRows = linearModelMean(
      new Map([
        ["control", sumsOf(controlY)],
        ["solo", sumsOf([7.5])],
      ]),
      { confidence: 0.95 },
    )
    expect(unadjustedRows.warnings).toEqual([])
    expectRows(unadjustedRows.rows, [
      {
        branch: "control",
        point: 6.776666666666668,
        lower: 5.8011072223517255,
        upper: 7.752226110981611,
      },
      {
        branch: "solo",
        point: 7.499999999999999,
        lower: 4.120562953285717,
        upper: 10.879437046714282,
      },
      {
        branch: "solo",
        comparison: "difference",
        comparisonToBranch: "control",
        point: 0.7233333333333309,
        lower: -2.7940962654073513,
        upper: 4.240762932074013,
        pValue: 0.6596215097466421,
      },
      {
        branch: "solo",
        comparison: "relative_uplift",
        comparisonToBranch: "control",
        point: 0.10673880964092436,
        lower: -0.4167812565451274,
        upper: 0.630258875826976,
      },
      {
        branch: "control",
        comparison: "difference",
        comparisonToBranch: "solo",
        point: -0.7233333333333309,
        lower: -4.240762932074013,
        upper: 2.7940962654073513,
        pValue: 0.6596215097466421,
      },
      {
        branch: "control",
        comparison: "relative_uplift",
        comparisonToBranch: "solo",
        point: -0.09644444444444414,
        lower: -0.5238528448064874,
        upper: 0.3309639559175992,
      },
    ])
    const adjustedRows = linearModelMean(
      new Map([
        ["control", sumsOf(controlY, controlX)],
        ["solo", sumsOf([7.5], [4.0])],
      ]),
      { confidence: 0.95 },
    )
    expectRows(adjustedRows.rows, [
      {
        branch: "control",
        point: 6.737899899731137,
        lower: 6.213810621311591,
        upper: 7.261989178150683,
      },
      {
        branch: "solo",
        point: 7.96520120322635,
        lower: 6.140404677379338,
        upper: 9.789997729073363,
      },
      {
        branch: "solo",
        comparison: "difference",
        comparisonToBranch: "control",
        point: 1.2273013034952127,
        lower: -0.672884483040052,
        upper: 3.1274870900304776,
        pValue: 0.18067278615929355,
      },
      {
        branch: "solo",
        comparison: "relative_uplift",
        comparisonToBranch: "control",
        point: 0.18214893687336997,
        lower: -0.1041405316841773,
        upper: 0.46843840543091725,
      },
      {
        branch: "control",
        comparison: "difference",
        comparisonToBranch: "solo",
        point: -1.2273013034952127,
        lower: -3.1274870900304776,
        upper: 0.672884483040052,
        pValue: 0.18067278615929355,
      },
      {
        branch: "control",
        comparison: "relative_uplift",
        comparisonToBranch: "solo",
        point: -0.1540829003789744,
        lower: -0.35894469853342037,
        upper: 0.050778897775471565,
      },
    ])
  })

  it("leaves out a branch without clients and fits the others as if it were absent", () => {
    const withEmpty = new Map([
      ...adjusted,
      ["empty", { n: 0, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 }],
    ])
    const { rows, warnings } = linearModelMean(withEmpty, { confidence: 0.9 })
    expect(warnings).toEqual(["branch empty has no clients: left out"])
    expectRows(rows, linearModelMean(adjusted, { confidence: 0.9 }).rows)
  })

  it("leaves out a branch whose sums are not finite", () => {
    const withInfinity = new Map([...unadjusted, ["broken", sumsOf([1, Number.POSITIVE_INFINITY])]])
    const { rows, warnings } = linearModelMean(withInfinity, { confidence: 0.9 })
    expect(warnings).toEqual([
      "branch broken: its sums are not finite (NaN or ∞ in the data): left out",
    ])
    expect(rows.some((row) => row.branch === "broken" || row.comparisonToBranch === "broken")).toBe(
      false,
    )
    expect(rows).toHaveLength(15)
  })

  it("gives zero-width intervals and p = 0 when the metric has no residual variance", () => {
    const { rows, warnings } = linearModelMean(
      new Map([
        ["control", sumsOf([2, 2, 2])],
        ["treatment", sumsOf([3, 3, 3, 3])],
      ]),
      { confidence: 0.95 },
    )
    expect(warnings).toEqual([
      "the residual variance is zero (no variation left in the metric): intervals have zero width",
    ])
    expect(rowOf(rows, "treatment", "difference", "control")).toEqual({
      branch: "treatment",
      comparison: "difference",
      comparisonToBranch: "control",
      point: 1,
      lower: 1,
      upper: 1,
      pValue: 0,
    })
    expect(rowOf(rows, "treatment", "relative_uplift", "control")?.point).toBe(0.5)
    expect(rowOf(rows, "control")).toEqual({ branch: "control", point: 2, lower: 2, upper: 2 })
  })

  it("leaves out the relative uplift over a reference whose mean is 0, and says so", () => {
    const { rows, warnings } = linearModelMean(
      new Map([
        ["control", sumsOf([0, 0, 0, 0])],
        ["treatment", sumsOf([1, 2, 3])],
      ]),
      { confidence: 0.95 },
    )
    expect(warnings).toEqual([
      "relative uplift of treatment over control not computed: the reference mean is 0",
    ])
    expect(rowOf(rows, "treatment", "relative_uplift", "control")).toBeUndefined()
    expect(rowOf(rows, "treatment", "difference", "control")?.point).toBe(2)
    const relative = rowOf(rows, "control", "relative_uplift", "treatment")
    // numpy: fit({"control": ([0, 0, 0, 0],), "treatment": ([1, 2, 3],)}, 0.95, covariate=False)
    expect(relative?.point).toBe(-1)
    near(relative?.lower, -1.406444675623367)
    near(relative?.upper, -0.5935553243766329)
  })

  it("drops a constant covariate with a warning and falls back to the unadjusted fit", () => {
    const constant = new Map([
      [
        "control",
        sumsOf(
          controlY,
          controlY.map(() => 3.7),
        ),
      ],
      [
        "treatment-a",
        sumsOf(
          aY,
          aY.map(() => 3.7),
        ),
      ],
      [
        "treatment-b",
        sumsOf(
          bY,
          bY.map(() => 3.7),
        ),
      ],
    ])
    const { rows, warnings } = linearModelMean(constant, { confidence: 0.9 })
    expect(warnings).toEqual([
      "the covariate does not vary within the branches (constant, or determined by the branch): covariate dropped, unadjusted fit",
    ])
    expectRows(rows, linearModelMean(unadjusted, { confidence: 0.9 }).rows)
    expect(fitLinearModel(constant).fit?.slope).toBeUndefined()
  })

  it("drops a covariate that is constant inside each branch (collinear with the branches)", () => {
    const byBranch = new Map([
      [
        "control",
        sumsOf(
          controlY,
          controlY.map(() => 1),
        ),
      ],
      [
        "treatment-a",
        sumsOf(
          aY,
          aY.map(() => 2),
        ),
      ],
      [
        "treatment-b",
        sumsOf(
          bY,
          bY.map(() => 5),
        ),
      ],
    ])
    const { rows, warnings } = linearModelMean(byBranch, { confidence: 0.9 })
    expect(warnings).toHaveLength(1)
    expectRows(rows, linearModelMean(unadjusted, { confidence: 0.9 }).rows)
  })

  it("drops a covariate that some branch lacks", () => {
    const partly = new Map([...adjusted, ["treatment-b", sumsOf(bY)]])
    const { rows, warnings } = linearModelMean(partly, { confidence: 0.9 })
    expect(warnings).toEqual([
      "covariate sums missing for treatment-b: covariate dropped, unadjusted fit",
    ])
    expectRows(rows, linearModelMean(unadjusted, { confidence: 0.9 }).rows)
  })

  it("estimates nothing when no degree of freedom is left for the variance", () => {
    const { rows, warnings } = linearModelMean(
      new Map([
        ["control", sumsOf([1])],
        ["treatment", sumsOf([2])],
      ]),
      { confidence: 0.95 },
    )
    expect(rows).toEqual([])
    expect(warnings).toEqual([
      "2 clients in 2 branches leave no degree of freedom for the residual variance: nothing estimated",
    ])
  })

  it("refuses a confidence level outside (0, 1)", () => {
    for (const confidence of [0, 1, 95, Number.NaN]) {
      const { rows, warnings } = linearModelMean(adjusted, { confidence })
      expect(rows).toEqual([])
      expect(warnings).toEqual([`confidence ${confidence} is not in (0, 1): nothing estimated`])
    }
  })

  it("compares with the chosen reference branches only", () => {
    const { rows, warnings } = linearModelMean(adjusted, {
      confidence: 0.9,
      referenceBranches: ["control", "retired"],
    })
    expect(warnings).toEqual(["reference branch retired has no estimate: no comparison with it"])
    const references = new Set(rows.flatMap((row) => row.comparisonToBranch ?? []))
    expect([...references]).toEqual(["control"])
    expect(rows).toHaveLength(3 + 4)
  })
})
