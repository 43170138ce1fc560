import { Either } from "effect"
import type { QueryResult } from "../services/warehouse/warehouse.js"
import {
  buildHistogramQuery,
  buildOrderStatisticsQuery,
  buildRatioSumsQuery,
  buildSufficientStatisticsQuery,
  type CovariateSource,
  type PushDownRequest,
} from "../sql/push-down-query.js"
import type { SqlBuildError } from "../sql/sql-build-error.js"
import type { AggregateRequest, BranchAggregates } from "../stats/catalogue/statistic-descriptor.js"
import { totalCount } from "../stats/value-histogram.js"
import {
  histogramsFrom,
  orderStatisticsFrom,
  ratiosFrom,
  sumsFrom,
} from "./push-down-aggregates.js"

/**
 * The warehouse query of one kind of aggregate and how its rows are read back, per branch.
 * Queries of one `shape` return the same columns, so several can share one warehouse query
 * (batched-push-down.ts); `orderBy` names the columns the rows must be read in.
 */
export interface AggregateQuery {
  readonly shape: "histogram" | "order_statistics" | "sums" | "sums_with_covariate" | "ratio_sums"
  readonly sql: string
  readonly orderBy: ReadonlyArray<string>
  readonly read: (result: QueryResult) => ReadonlyMap<string, BranchAggregates>
}

const perBranch = <A>(
  aggregates: ReadonlyMap<string, A>,
  toBranch: (aggregate: A) => BranchAggregates,
): ReadonlyMap<string, BranchAggregates> =>
  new Map([...aggregates].map(([branch, aggregate]) => [branch, toBranch(aggregate)]))

/**
 * The query of `aggregate` over `request`'s rows. `covariate`: where a covariate adjustment's
 * pre-period values are (absent: unadjusted, whatever the request asks).
 */
export const aggregateQueryFor = (
  aggregate: AggregateRequest,
  request: PushDownRequest,
  options: { readonly maxBuckets: number; readonly covariate?: CovariateSource },
): Either.Either<AggregateQuery, SqlBuildError> => {
  const winsorized: PushDownRequest =
    "winsorizeAt" in aggregate && aggregate.winsorizeAt !== undefined
      ? { ...request, winsorizeAt: aggregate.winsorizeAt }
      : request
  switch (aggregate.kind) {
    case "order_statistics":
      return Either.map(buildOrderStatisticsQuery(winsorized, aggregate.levels), (sql) => ({
        shape: "order_statistics",
        sql,
        orderBy: ["branch", "value"],
        read: (result) =>
          perBranch(orderStatisticsFrom(result), (orderStatistics) => ({
            clients: orderStatistics.n,
            orderStatistics,
          })),
      }))
    case "histogram":
      return Either.map(buildHistogramQuery(winsorized, options.maxBuckets), (sql) => ({
        shape: "histogram",
        sql,
        orderBy: ["branch", "kind", "value", "bucket"],
        read: (result) =>
          perBranch(histogramsFrom(result), (histogram) => ({
            clients: totalCount(histogram),
            histogram,
          })),
      }))
    case "ratio_sums":
      return Either.map(
        buildRatioSumsQuery(winsorized, aggregate.numerator, aggregate.denominator),
        (sql) => ({
          shape: "ratio_sums",
          sql,
          orderBy: ["branch"],
          read: (result) =>
            perBranch(ratiosFrom(result), (ratio) => ({
              clients: ratio.kind === "sums" ? ratio.clients : 0,
              ratio,
            })),
        }),
      )
    case "sums":
      return Either.map(buildSufficientStatisticsQuery(winsorized, options.covariate), (sql) => ({
        shape: options.covariate === undefined ? "sums" : "sums_with_covariate",
        sql,
        orderBy: ["branch"],
        read: (result) => perBranch(sumsFrom(result), (sums) => ({ clients: sums.n, sums })),
      }))
  }
}
