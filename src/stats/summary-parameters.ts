import type { Statistic } from "../domain/config/analysis-configuration.js"
import type { SummaryParameters } from "../domain/summary-catalogue.js"

/** A numeric parameter of a statistic, or its default. */
export const numberParameter = (
  parameters: SummaryParameters,
  key: string,
  fallback: number,
): number => {
  const value = parameters[key]
  return typeof value === "number" ? value : fallback
}

/** The level of a statistic's intervals (its confidence_interval, 0.95 by default); none for
 * statistics without intervals. */
export const confidenceOf = (statistic: Statistic): number | undefined =>
  ["count", "sum", "kernel_density_estimate", "empirical_cdf"].includes(statistic.name)
    ? undefined
    : numberParameter(statistic.parameters, "confidence_interval", 0.95)
