import { Schema } from "effect"
import {
  ConfidenceInterval,
  CovariateAdjustment,
  Fraction,
  optional,
  withDefault,
} from "../../domain/parameter-schemas.js"
import { linearModelSumsOf } from "../linear-model.js"
import { winsorize } from "../value-histogram.js"
import type { AggregateRequest, ClientColumns } from "./statistic-descriptor.js"

/** The parameters of the statistics fitted by a linear model, with drop_highest's default. */
export const linearModelParameters = (dropHighest: number) =>
  Schema.Struct({
    drop_highest: withDefault(Fraction, dropHighest),
    covariate_adjustment: optional(CovariateAdjustment),
    confidence_interval: ConfidenceInterval,
  })

type LinearModelParameters = Schema.Schema.Type<ReturnType<typeof linearModelParameters>>

/** Sufficient statistics of the winsorized metric, with the covariate's when adjusted. */
export const linearModelAggregate = (parameters: LinearModelParameters): AggregateRequest => ({
  kind: "sums",
  winsorizeAt: 1 - parameters.drop_highest,
  ...(parameters.covariate_adjustment === undefined
    ? {}
    : { covariate: parameters.covariate_adjustment }),
})

/** The same sums from per-client columns (the covariate column when adjusted). */
export const linearModelSumsOfClients = (
  parameters: LinearModelParameters,
  { values, covariate }: ClientColumns,
) =>
  linearModelSumsOf(
    winsorize(values, 1 - parameters.drop_highest),
    parameters.covariate_adjustment === undefined ? undefined : covariate,
  )
