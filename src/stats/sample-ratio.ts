import chisquareCdf from "@stdlib/stats-base-dists-chisquare-cdf"

/** A branch's enrolled clients and its configured share of the traffic (any scale). */
export interface BranchEnrollment {
  readonly enrolled: number
  readonly ratio: number
}

export interface SampleRatioTest {
  /** Pearson's χ² = Σ (observed − expected)² / expected over the branches with a ratio > 0. */
  readonly statistic: number
  /** Branches with a ratio > 0, minus one. */
  readonly degreesOfFreedom: number
  /** P(χ²_df ≥ statistic): small values mean the split is not the configured one. */
  readonly pValue: number
  /** Expected clients per branch, N·ratio_b / Σ ratio. */
  readonly expected: ReadonlyMap<string, number>
}

export interface SampleRatioOutput {
  /** Absent when the test cannot be made; `warnings` says why. */
  readonly test?: SampleRatioTest
  readonly warnings: ReadonlyArray<string>
}

/**
 * Sample-ratio mismatch: Pearson's chi-square goodness-of-fit test of the enrolled clients
 * per branch against the configured ratios (Fabijan et al., "Diagnosing Sample Ratio
 * Mismatch in Online Controlled Experiments", KDD 2019; Agresti, "Categorical Data
 * Analysis", §1.5):
 *
 *   expected_b = N · ratio_b / Σ ratio,   χ² = Σ_b (enrolled_b − expected_b)² / expected_b,
 *   p = 1 − F_χ²(χ²; branches − 1)   (below ~1e-16, p rounds to 0).
 *
 * A branch with ratio 0 is expected to get no client: it is left out of the test (and of
 * the degrees of freedom) when it has none, and when it has some the split is certainly
 * wrong (χ² = ∞, p = 0, whatever the other branches). A branch with a ratio but 0 enrolled
 * stays in the test — it is the plainest mismatch there is. Negative or non-finite inputs, no
 * clients at all, or otherwise fewer than two branches with a ratio: no test, and a warning.
 */
export const sampleRatioMismatch = (
  branches: ReadonlyMap<string, BranchEnrollment>,
): SampleRatioOutput => {
  const warnings: string[] = []
  for (const [branch, { enrolled, ratio }] of branches) {
    if (!(Number.isFinite(enrolled) && enrolled >= 0 && Number.isFinite(ratio) && ratio >= 0)) {
      warnings.push(`branch ${branch}: ${enrolled} enrolled at ratio ${ratio} is not a valid input`)
    }
  }
  if (warnings.length > 0) return { warnings: [...warnings, "sample ratio not tested"] }

  let clients = 0
  let ratioTotal = 0
  for (const { enrolled, ratio } of branches.values()) {
    clients += enrolled
    ratioTotal += ratio
  }
  if (clients === 0) return { warnings: ["no client enrolled: sample ratio not tested"] }
  const tested = [...branches].filter(([, { ratio }]) => ratio > 0)
  if (tested.length === 0)
    return { warnings: ["no branch has a ratio above 0: sample ratio not tested"] }
  const degreesOfFreedom = tested.length - 1
  const expected = new Map(
    [...branches].map(([branch, { ratio }]) => [branch, (clients * ratio) / ratioTotal]),
  )

  const unexpected = [...branches].filter(([, { enrolled, ratio }]) => ratio === 0 && enrolled > 0)
  for (const [branch, { enrolled }] of unexpected) {
    warnings.push(`branch ${branch} has ratio 0 but ${enrolled} enrolled clients`)
  }
  if (unexpected.length > 0) {
    const certain = { statistic: Number.POSITIVE_INFINITY, degreesOfFreedom, pValue: 0, expected }
    return { test: certain, warnings }
  }
  if (tested.length < 2) {
    return { warnings: ["fewer than two branches with a ratio above 0: sample ratio not tested"] }
  }

  let statistic = 0
  for (const [branch, { enrolled }] of tested) {
    const expectedClients = expected.get(branch) ?? Number.NaN
    statistic += (enrolled - expectedClients) ** 2 / expectedClients
  }
  const pValue = Math.max(0, 1 - chisquareCdf(statistic, degreesOfFreedom))
  return { test: { statistic, degreesOfFreedom, pValue, expected }, warnings }
}
