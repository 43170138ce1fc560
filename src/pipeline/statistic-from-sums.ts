import { Either, ParseResult } from "effect"
import {
  aggregateRequestOf,
  decodeStatistic,
  type StatisticName,
  statisticNames,
} from "../stats/catalogue/statistic-catalogue.js"
import type { AggregateRequest } from "../stats/catalogue/statistic-descriptor.js"
import type { AggregatesShape } from "./aggregates-file.js"

/*
 * Which statistics run from sufficient statistics, and with which parameters. Nothing here
 * names a statistic: the catalogue's own schemas and aggregate requests say it all, so a
 * statistic added to the catalogue that reads sums runs from them with no code of its own.
 */

/**
 * The parameters sums of this shape imply, as a TOML summary of the same metric would set
 * them. A ratio's numerator and denominator, and a covariate's adjustment, tell the kernel
 * which sums to read (t_test reads a ratio's, or adjusts, only when its parameters say so);
 * their values are labels, since the sums are already the ratio's or the covariate's.
 * drop_highest is 0: sums cannot be capped at a quantile after the fact, so they are taken
 * as the warehouse gave them.
 */
const impliedBy = (shape: AggregatesShape): Readonly<Record<string, unknown>> => ({
  drop_highest: 0,
  ...(shape === "ratio_sums" ? { numerator: "numerator", denominator: "denominator" } : {}),
  ...(shape === "sums_with_covariate"
    ? { covariate_adjustment: { period: "preenrollment_week" } }
    : {}),
})

/**
 * `written` with the parameters `shape` implies that it does not set, of those the statistic
 * takes: its schema, which refuses an unknown key, says which it does not.
 */
export const withImpliedParameters = (
  name: StatisticName,
  written: Readonly<Record<string, unknown>>,
  shape: AggregatesShape,
): Readonly<Record<string, unknown>> => {
  const implied = Object.entries(impliedBy(shape)).filter(([key]) => !Object.hasOwn(written, key))
  const decoded = decodeStatistic(name, { ...written, ...Object.fromEntries(implied) })
  const refused = Either.match(decoded, {
    onLeft: (error) =>
      new Set(
        ParseResult.ArrayFormatter.formatErrorSync(error)
          .filter((issue) => issue._tag === "Unexpected" && issue.path.length === 1)
          .map((issue) => String(issue.path[0])),
      ),
    onRight: () => new Set<string>(),
  })
  return {
    ...written,
    ...Object.fromEntries(implied.filter(([key]) => !refused.has(key))),
  }
}

/** The aggregate a statistic reads from sums of `shape`. */
export const aggregateKindOf = (shape: AggregatesShape): "sums" | "ratio_sums" =>
  shape === "ratio_sums" ? "ratio_sums" : "sums"

/** What a statistic asks for from sums of `shape` with its defaults; none if it needs parameters. */
const defaultRequest = (name: StatisticName, shape: AggregatesShape) =>
  Either.match(decodeStatistic(name, withImpliedParameters(name, {}, shape)), {
    onLeft: () => undefined,
    onRight: (statistic): AggregateRequest => aggregateRequestOf(statistic),
  })

/** The statistics that run from sums of `shape`, in the catalogue's order. */
export const statisticsFor = (shape: AggregatesShape): ReadonlyArray<StatisticName> =>
  statisticNames.filter((name) => defaultRequest(name, shape)?.kind === aggregateKindOf(shape))

/** The statistics that run from sufficient statistics: a metric's sums or a ratio's. */
export const statisticsFromSums = (): ReadonlyArray<StatisticName> => {
  const fromSums = new Set([...statisticsFor("sums"), ...statisticsFor("ratio_sums")])
  return statisticNames.filter((name) => fromSums.has(name))
}

/** What a statistic asks for with its defaults, whatever the shape: what it needs instead of sums. */
export const neededAggregate = (name: StatisticName): AggregateRequest["kind"] | undefined =>
  defaultRequest(name, "sums")?.kind
