import tCdf from "@stdlib/stats-base-dists-t-cdf"
import tQuantile from "@stdlib/stats-base-dists-t-quantile"
import { intervalQuantiles } from "./estimate.js"

/** The half-width of a central interval at `confidence`, in standard errors, on Student's t. */
export const criticalT = (confidence: number, degreesOfFreedom: number): number =>
  tQuantile(intervalQuantiles(confidence)[1], degreesOfFreedom)

/**
 * Two-sided p-value of t = estimate / standardError with `degreesOfFreedom`: 2·F(−|t|), which
 * keeps small p-values that 2·(1 − F(|t|)) would lose to the subtraction. A standard error of
 * 0 gives 1 for an estimate of 0, else 0.
 */
export const twoSidedP = (
  estimate: number,
  standardError: number,
  degreesOfFreedom: number,
): number =>
  standardError > 0
    ? 2 * tCdf(-Math.abs(estimate / standardError), degreesOfFreedom)
    : estimate === 0
      ? 1
      : 0
