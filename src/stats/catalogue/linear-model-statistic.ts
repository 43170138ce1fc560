import { Schema } from "effect"
import {
  ConfidenceInterval,
  CovariateAdjustment,
  Fraction,
  optional,
  withDefault,
} from "../../domain/parameter-schemas.js"
import { type LinearModelSums, linearModelSumsOf } from "../linear-model.js"
import type { StatisticOutput } from "../sample-summary.js"
import { winsorize } from "../value-histogram.js"
import { defineStatistic } from "./statistic-descriptor.js"

/**
 * A statistic fitted by the linear model on sufficient statistics of the winsorized metric
 * (with the covariate's when adjusted): linear_model_mean and per_client_dau_impact, which
 * differ in name, default drop_highest and what they make of the fit.
 */
export const defineLinearModelStatistic = (definition: {
  readonly name: string
  readonly publishedAs: string
  readonly dropHighest: number
  readonly fit: (
    sums: ReadonlyMap<string, LinearModelSums>,
    parameters: { readonly confidence: number },
  ) => StatisticOutput
}) =>
  defineStatistic({
    name: definition.name,
    publishedAs: definition.publishedAs,
    parameters: Schema.Struct({
      drop_highest: withDefault(Fraction, definition.dropHighest),
      covariate_adjustment: optional(CovariateAdjustment),
      confidence_interval: ConfidenceInterval,
    }),
    withoutCovariate: ({ covariate_adjustment: _, ...parameters }) => parameters,
    confidence: (parameters) => parameters.confidence_interval,
    aggregate: (parameters) => ({
      kind: "sums",
      winsorizeAt: 1 - parameters.drop_highest,
      ...(parameters.covariate_adjustment === undefined
        ? {}
        : { covariate: parameters.covariate_adjustment }),
    }),
    fromClients: (parameters, { values, covariate }) =>
      linearModelSumsOf(
        winsorize(values, 1 - parameters.drop_highest),
        parameters.covariate_adjustment === undefined ? undefined : covariate,
      ),
    fromPushDown: { what: "sufficient statistics", pick: (branch) => branch.sums },
    clientsForSpread: (sums) => sums.n,
    kernel: (parameters, sums) =>
      definition.fit(sums, { confidence: parameters.confidence_interval }),
  })
