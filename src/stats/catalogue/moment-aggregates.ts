import { Schema } from "effect"
import {
  CovariateAdjustment,
  Fraction,
  optional,
  withDefault,
} from "../../domain/parameter-schemas.js"
import { type LinearModelSums, linearModelSumsOf } from "../linear-model.js"
import { type RatioData, ratioDataOf, winsorizePairs } from "../population-ratio.js"
import { ratioSumsOf } from "../t-test-ratio.js"
import { winsorize } from "../value-histogram.js"
import type { AggregateRequest, BranchAggregates, ClientColumns } from "./statistic-descriptor.js"

/**
 * What a statistic on moments reads, as t_test reads it: each branch's n, Σy, Σy² (with a
 * covariate's Σx, Σx², Σxy for CUPED), or a ratio's sums, pushed down to the warehouse.
 */

/** The parameters that say which moments: t_test's, with its defaults. */
export const momentParameterFields = {
  /** Each branch capped at its (1 − drop_highest)-quantile; 0 unless given (gbstats caps none). */
  drop_highest: withDefault(Fraction, 0),
  /** CUPED on the metric's pre-enrollment value, θ pooled over each comparison's branches. */
  covariate_adjustment: optional(CovariateAdjustment),
  /** Both given: the statistic is of the ratio Σnumerator/Σdenominator. */
  numerator: optional(Schema.String),
  denominator: optional(Schema.String),
}

export interface MomentParameters {
  readonly drop_highest: number
  readonly covariate_adjustment?: CovariateAdjustment
  readonly numerator?: string
  readonly denominator?: string
}

/** Why the moment parameters do not go together, if they do not (for `Schema.filter`). */
export const momentParametersProblem = (parameters: MomentParameters): string | true => {
  const given = [parameters.numerator, parameters.denominator].filter((c) => c !== undefined)
  if (given.length === 1) return "numerator and denominator are given together, or neither"
  if (given.length === 2 && parameters.covariate_adjustment !== undefined) {
    return "covariate_adjustment does not apply to a ratio (numerator, denominator)"
  }
  return true
}

/** The ratio's columns, when the parameters make the statistic a ratio's. */
export const ratioColumnsOf = ({ numerator, denominator }: MomentParameters) =>
  numerator === undefined || denominator === undefined ? undefined : { numerator, denominator }

/** A branch's moments: the mean's sums, or a ratio's data; the parameters say which is read. */
export interface MomentData {
  readonly sums?: LinearModelSums
  readonly ratio?: RatioData
}

export const momentAggregate = (parameters: MomentParameters): AggregateRequest => {
  const winsorizeAt = 1 - parameters.drop_highest
  const ratio = ratioColumnsOf(parameters)
  if (ratio !== undefined) return { kind: "ratio_sums", ...ratio, winsorizeAt }
  const { covariate_adjustment } = parameters
  return {
    kind: "sums",
    winsorizeAt,
    ...(covariate_adjustment === undefined ? {} : { covariate: covariate_adjustment }),
  }
}

/** The moments of one branch's per-client columns: what the warehouse would return. */
export const momentDataOfClients = (
  parameters: MomentParameters,
  { values, covariate, numerator, denominator }: ClientColumns,
  maxBuckets: number,
): MomentData =>
  ratioColumnsOf(parameters) === undefined
    ? {
        sums: linearModelSumsOf(
          winsorize(values, 1 - parameters.drop_highest),
          parameters.covariate_adjustment === undefined ? undefined : covariate,
        ),
      }
    : {
        // As the warehouse returns it (pairs up to a bound), so both paths sum alike.
        ratio: ratioDataOf(
          ...winsorizePairs(
            numerator ?? new Float64Array(),
            denominator ?? new Float64Array(),
            parameters.drop_highest,
          ),
          maxBuckets,
        ),
      }

/** The moments in what the warehouse pushed down for a branch. */
export const pickMomentData = ({ sums, ratio }: BranchAggregates): MomentData | undefined =>
  sums === undefined && ratio === undefined
    ? undefined
    : { ...(sums === undefined ? {} : { sums }), ...(ratio === undefined ? {} : { ratio }) }

/** Either aggregate counts the branch's clients. */
export const clientsOfMomentData = ({ sums, ratio }: MomentData): number =>
  sums?.n ?? (ratio === undefined ? 0 : ratioSumsOf(ratio).clients)

/** Each branch's `A` of its moments, or a warning leaving the branch out. */
export const eachBranchMoments = <A>(
  data: ReadonlyMap<string, MomentData>,
  pick: (branch: MomentData) => A | undefined,
  what: string,
  statistic: string,
): { readonly present: ReadonlyMap<string, A>; readonly warnings: string[] } => {
  const present = new Map<string, A>()
  const warnings: string[] = []
  for (const [branch, aggregate] of data) {
    const picked = pick(aggregate)
    if (picked === undefined) {
      warnings.push(`branch ${branch}: no ${what} was pushed down for ${statistic}: left out`)
    } else present.set(branch, picked)
  }
  return { present, warnings }
}
