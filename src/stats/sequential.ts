/**
 * The always-valid (sequential) two-sided test of gbstats' SequentialTwoSidedTTest
 * (growthbook/growthbook, packages/stats/gbstats/frequentist/tests.py: sequential_rho,
 * sequential_interval_halfwidth and the class's p_value), the normal-mixture confidence
 * sequence of Waudby-Smith et al., "Time-uniform central limit theory and asymptotic
 * confidence sequences" (arXiv 2103.06476v7, eqs. 9, 155 and 161).
 *
 * An estimate with standard error se over n clients (both branches of a comparison) has
 * per-client variance s² = se²·n. With α = 1 − confidence and the mixture's spread
 *
 *   ρ = √((−2·ln α + ln(1 − 2·ln α)) / N),       N the tuning (the n where it is tightest),
 *
 * the interval is estimate ± s·√(2(nρ² + 1)·ln(√(nρ² + 1)/α) / (nρ)²), and the p-value is
 * min(1, 1/E) with the e-value E = exp(ρ²·n·(estimate/se)²/(2(nρ² + 1))) / √(nρ² + 1).
 * Both hold at every n at once: looking at the results daily and stopping when they look
 * good keeps the error rate at α, which a fixed-horizon t interval does not.
 */

/** The mixture's spread ρ at level α, tightest near `tuning` clients (eq. 161). */
export const sequentialRho = (alpha: number, tuning: number): number => {
  const logTerm = -2 * Math.log(alpha)
  return Math.sqrt((logTerm + Math.log(logTerm + 1)) / tuning)
}

/** What the boundary needs of one comparison: its clients and the mixture's ρ. */
export interface SequentialBoundary {
  readonly alpha: number
  readonly rho: number
}

export const sequentialBoundary = (confidence: number, tuning: number): SequentialBoundary => {
  const alpha = 1 - confidence
  return { alpha, rho: sequentialRho(alpha, tuning) }
}

/** The interval's half-width for an estimate with `standardError` over `n` clients (eq. 9). */
export const sequentialHalfWidth = (
  boundary: SequentialBoundary,
  standardError: number,
  n: number,
): number => {
  const { alpha, rho } = boundary
  const spread = n * rho * rho + 1
  const perClientSd = standardError * Math.sqrt(n)
  return (
    perClientSd * Math.sqrt((2 * spread * Math.log(Math.sqrt(spread) / alpha)) / (n * rho) ** 2)
  )
}

/** The always-valid p-value of "the effect is 0" (eq. 155): 1/E, at most 1. */
export const sequentialP = (
  boundary: SequentialBoundary,
  estimate: number,
  standardError: number,
  n: number,
): number => {
  const { rho } = boundary
  const spread = n * rho * rho + 1
  const squaredStatistic = (estimate / standardError) ** 2 * n
  return Math.min(1, Math.sqrt(spread) * Math.exp((-rho * rho * squaredStatistic) / (2 * spread)))
}
