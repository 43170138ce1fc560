import { describe, expect, it } from "@effect/vitest"
import type { EstimateRow } from "../../src/stats/estimate.js"
import { linearModelMean, linearModelSumsOf } from "../../src/stats/linear-model.js"
import { perClientDauImpact } from "../../src/stats/per-client-dau-impact.js"

/*
 * Reference numbers: the per-row OLS of test/stats/linear-model.test.ts (numpy lstsq of
 * y ~ one indicator per branch + centred x), at 95%, with every absolute difference, point
 * and bounds, multiplied by the 37 clients of the three branches (12 + 15 + 10), as
 * Jetstream's PerClientDAUImpact multiplies by len(df):
 *
 *   rows = fit(three, 0.95)
 *   [(b, c, r, p * 37, lo * 37, hi * 37, pv) if c == "difference" else row
 *    for row in rows if (c := row[1]) is not None]
 */
const sums = new Map([
  [
    "control",
    linearModelSumsOf(
      Float64Array.from([5.94, 6.8, 6.83, 8.22, 5.56, 8.92, 7.44, 7.21, 6.1, 3.88, 5.31, 9.11]),
      Float64Array.from([5.5, 4.7, 4.3, 5.7, 4.2, 7, 5.8, 5.4, 2.5, 1.7, 2.6, 6]),
    ),
  ],
  [
    "treatment-a",
    linearModelSumsOf(
      Float64Array.from([
        6.14, 8.18, 6.55, 11.37, 10.79, 7.03, 11.81, 9.28, 7.84, 8.08, 13.12, 10.31, 8.57, 6.96,
        11.53,
      ]),
      Float64Array.from([4, 5.8, 2.7, 10.4, 8.4, 3.9, 8, 5.7, 5, 5.3, 10.8, 6.1, 5.9, 4, 8.5]),
    ),
  ],
  [
    "treatment-b",
    linearModelSumsOf(
      Float64Array.from([9.08, 4.54, 5.97, 9.6, 9.92, 10.65, 9.1, 9.1, 4.37, 4.74]),
      Float64Array.from([5.2, 2.9, 4.3, 7.6, 7.7, 9.1, 7.4, 6.6, 1.5, 3.3]),
    ),
  ],
])

const near = (actual: number | undefined, expected: number, tolerance = 1e-9): void => {
  expect(actual).toBeDefined()
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(
    tolerance * Math.max(1, Math.abs(expected)),
  )
}

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

describe("perClientDauImpact", () => {
  it("scales the linear model's differences by all enrolled clients, keeps relative uplifts", () => {
    const { rows, warnings } = perClientDauImpact(sums, { confidence: 0.95 })
    expect(warnings).toEqual([])
    expectRows(rows, [
      {
        branch: "treatment-a",
        comparison: "difference",
        comparisonToBranch: "control",
        point: 33.84538128880919,
        lower: 10.15729503052793,
        upper: 57.533467547090446,
        pValue: 0.006477362325401664,
      },
      {
        branch: "treatment-a",
        comparison: "relative_uplift",
        comparisonToBranch: "control",
        point: 0.12035399086470518,
        lower: 0.030358968754391882,
        upper: 0.21034901297501846,
      },
      {
        branch: "treatment-b",
        comparison: "difference",
        comparisonToBranch: "control",
        point: 3.7503905704286034,
        lower: -21.4297311813178,
        upper: 28.930512322175005,
        pValue: 0.7637722814839225,
      },
      {
        branch: "treatment-b",
        comparison: "relative_uplift",
        comparisonToBranch: "control",
        point: 0.013336368368870625,
        lower: -0.0767669511838267,
        upper: 0.10343968792156796,
      },
      {
        branch: "control",
        comparison: "difference",
        comparisonToBranch: "treatment-a",
        point: -33.84538128880919,
        lower: -57.533467547090446,
        upper: -10.15729503052793,
        pValue: 0.006477362325401664,
      },
      {
        branch: "control",
        comparison: "relative_uplift",
        comparisonToBranch: "treatment-a",
        point: -0.10742496732824083,
        lower: -0.179123118497775,
        upper: -0.03572681615870664,
      },
      {
        branch: "treatment-b",
        comparison: "difference",
        comparisonToBranch: "treatment-a",
        point: -30.094990718380586,
        lower: -53.99351124724497,
        upper: -6.1964701895162095,
        pValue: 0.015158468487906774,
      },
      {
        branch: "treatment-b",
        comparison: "relative_uplift",
        comparisonToBranch: "treatment-a",
        point: -0.09552125789567352,
        lower: -0.16847897161773195,
        upper: -0.0225635441736151,
      },
      {
        branch: "control",
        comparison: "difference",
        comparisonToBranch: "treatment-b",
        point: -3.7503905704286034,
        lower: -28.930512322175005,
        upper: 21.4297311813178,
        pValue: 0.7637722814839225,
      },
      {
        branch: "control",
        comparison: "relative_uplift",
        comparisonToBranch: "treatment-b",
        point: -0.013160850419626875,
        lower: -0.10090810396474494,
        upper: 0.07458640312549118,
      },
      {
        branch: "treatment-a",
        comparison: "difference",
        comparisonToBranch: "treatment-b",
        point: 30.094990718380586,
        lower: 6.1964701895162095,
        upper: 53.99351124724497,
        pValue: 0.015158468487906774,
      },
      {
        branch: "treatment-a",
        comparison: "relative_uplift",
        comparisonToBranch: "treatment-b",
        point: 0.10560917957390278,
        lower: 0.016427738090639382,
        upper: 0.19479062105716619,
      },
    ])
  })

  it("reports no per-branch means", () => {
    const { rows } = perClientDauImpact(sums, { confidence: 0.95 })
    expect(rows.every((row) => row.comparison !== undefined)).toBe(true)
  })

  it("scales by the given enrolment when clients were dropped for missing values", () => {
    const lm = linearModelMean(sums, { confidence: 0.8 }).rows
    const { rows } = perClientDauImpact(sums, { confidence: 0.8, enrolledClients: 1000 })
    const expected = lm.flatMap((row): EstimateRow[] =>
      row.comparison === "difference"
        ? [
            {
              ...row,
              point: row.point * 1000,
              lower: (row.lower ?? 0) * 1000,
              upper: (row.upper ?? 0) * 1000,
            },
          ]
        : row.comparison === "relative_uplift"
          ? [row]
          : [],
    )
    expect(rows).toEqual(expected)
    near(rows[0]?.point, 0.9147400348326808 * 1000)
  })

  it("passes the linear model's warnings through and refuses an enrolment that is not a count", () => {
    const withEmpty = new Map([...sums, ["empty", { n: 0, sumY: 0, sumY2: 0 }]])
    expect(perClientDauImpact(withEmpty, { confidence: 0.95 }).warnings).toContain(
      "branch empty has no clients: left out",
    )
    expect(perClientDauImpact(sums, { confidence: 0.95, enrolledClients: Number.NaN })).toEqual({
      rows: [],
      warnings: ["NaN enrolled clients is not a count: nothing estimated"],
    })
  })
})
