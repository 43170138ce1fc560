import { type Either, type ParseResult, Schema } from "effect"
import type { CovariateAdjustment } from "../../domain/parameter-schemas.js"
import type { LinearModelSums } from "../linear-model.js"
import { withoutIntervalsForSmallBranches } from "../minimum-clients.js"
import type { OrderStatistics } from "../order-statistics.js"
import type { RatioData } from "../population-ratio.js"
import type { RandomSource } from "../random.js"
import type { StatisticOutput } from "../sample-summary.js"
import type { ValueHistogram } from "../value-histogram.js"

/** One branch's per-client columns, aligned row by row, after the pre-treatments. */
export interface ClientColumns {
  readonly values: Float64Array
  /** The pre-period value of the metric, for a covariate adjustment. */
  readonly covariate?: Float64Array
  /** A ratio's numerator and denominator columns. */
  readonly numerator?: Float64Array
  readonly denominator?: Float64Array
}

/**
 * What the warehouse pushes down for one branch: the smallest aggregates a statistic needs.
 * They are computed after the pre-treatments and the per-branch winsorization the statistic
 * asks for (`AggregateRequest.winsorizeAt`), which the SQL applies.
 */
export interface BranchAggregates {
  readonly clients: number
  /** Distinct values with counts, or quantile buckets. */
  readonly histogram?: ValueHistogram
  /** The order statistics in the quantile bootstrap's rank bands. */
  readonly orderStatistics?: OrderStatistics
  /** n, Σy, Σy² (and Σx, Σx², Σxy with a covariate). */
  readonly sums?: LinearModelSums
  /** (numerator, denominator) pairs or their sums. */
  readonly ratio?: RatioData
}

/**
 * The aggregate a statistic asks the warehouse for (DESIGN.md, "Push-down"); the pipeline
 * builds its query (src/sql/push-down-query.ts). `winsorizeAt` caps each branch's values at
 * that quantile after the pre-treatments (absent or ≥ 1: no cap).
 */
export type AggregateRequest =
  | { readonly kind: "histogram"; readonly winsorizeAt?: number }
  | { readonly kind: "order_statistics"; readonly levels: ReadonlyArray<number> }
  | {
      readonly kind: "sums"
      readonly winsorizeAt?: number
      readonly covariate?: CovariateAdjustment
    }
  | {
      readonly kind: "ratio_sums"
      readonly numerator: string
      readonly denominator: string
      readonly winsorizeAt?: number
    }

export interface KernelContext {
  /** The random stream of one branch (independent of the other branches'). */
  readonly randomFor: (branch: string) => RandomSource
}

/**
 * Everything one statistic is, written once: its parameters (a Schema whose defaults fill in
 * what a config leaves out), the aggregate it asks the warehouse for, the same aggregate
 * made from per-client columns, and its kernel on those aggregates per branch. `A` is that
 * aggregate; it never leaves the definition.
 */
export interface StatisticDefinition<P, I, A> {
  /** The name configs use: `[metrics.m.statistics.<name>]`. */
  readonly name: string
  /** The name published rows carry (Jetstream's output name: bootstrap_mean is "mean"). */
  readonly publishedAs: string
  /**
   * Another published name for parameters whose rows mean something else (t_test's
   * always-valid intervals): readers tell them apart, and both may be configured on one
   * metric without their rows colliding.
   */
  readonly publishedVariant?: (parameters: P) => string | undefined
  readonly parameters: Schema.Schema<P, I>
  /** The parameters without a covariate adjustment; absent for statistics that take none. */
  readonly withoutCovariate?: (parameters: P) => P
  /** The level of its intervals; absent for statistics without intervals. */
  readonly confidence?: (parameters: P) => number
  /**
   * Clients in a branch's aggregate, for statistics whose intervals rest on each branch's
   * own spread (those get none for a branch below `minimumClientsForInterval`).
   */
  readonly clientsForSpread?: (aggregate: A) => number
  readonly aggregate: (parameters: P) => AggregateRequest
  /** The aggregate of one branch's per-client columns: what the warehouse would return. */
  readonly fromClients: (parameters: P, branch: ClientColumns, maxBuckets: number) => A
  /** The aggregate in what the warehouse returned, and its name for a warning when missing. */
  readonly fromPushDown: {
    readonly what: string
    readonly pick: (branch: BranchAggregates) => A | undefined
  }
  readonly kernel: (
    parameters: P,
    aggregates: ReadonlyMap<string, A>,
    context: KernelContext,
  ) => StatisticOutput
}

/** A statistic as the rest of the program uses it, whatever its aggregate. */
export interface StatisticDescriptor<P> {
  readonly name: string
  readonly publishedAs: string
  /** The name published rows of a statistic with these parameters carry. */
  readonly publishedName: (parameters: P) => string
  /** The parameters as written (TOML, `--param`, JSON), checked and completed with defaults. */
  readonly decodeParameters: (written: unknown) => Either.Either<P, ParseResult.ParseError>
  readonly confidence: (parameters: P) => number | undefined
  /** The parameters without a covariate adjustment (the same, for a statistic that takes none). */
  readonly withoutCovariate: (parameters: P) => P
  readonly aggregate: (parameters: P) => AggregateRequest
  readonly onClients: (
    parameters: P,
    branches: ReadonlyMap<string, ClientColumns>,
    context: KernelContext & { readonly maxBuckets: number },
  ) => StatisticOutput
  /** A branch lacking the aggregate is left out with a warning. */
  readonly onAggregates: (
    parameters: P,
    branches: ReadonlyMap<string, BranchAggregates>,
    context: KernelContext,
  ) => StatisticOutput
}

export const defineStatistic = <P, I, A>(
  definition: StatisticDefinition<P, I, A>,
): StatisticDescriptor<P> => {
  const { clientsForSpread, kernel } = definition
  const withSpreadRule = (aggregates: ReadonlyMap<string, A>, output: StatisticOutput) =>
    clientsForSpread === undefined
      ? output
      : withoutIntervalsForSmallBranches(
          new Map(
            [...aggregates].map(([branch, aggregate]) => [branch, clientsForSpread(aggregate)]),
          ),
          output,
        )
  return {
    name: definition.name,
    publishedAs: definition.publishedAs,
    publishedName: (parameters) =>
      definition.publishedVariant?.(parameters) ?? definition.publishedAs,
    decodeParameters: Schema.decodeUnknownEither(definition.parameters, {
      errors: "all",
      onExcessProperty: "error",
    }),
    confidence: (parameters) => definition.confidence?.(parameters),
    withoutCovariate: definition.withoutCovariate ?? ((parameters) => parameters),
    aggregate: definition.aggregate,
    onClients: (parameters, branches, { maxBuckets, ...context }) => {
      const aggregates = new Map(
        [...branches].map(([branch, columns]) => [
          branch,
          definition.fromClients(parameters, columns, maxBuckets),
        ]),
      )
      return withSpreadRule(aggregates, kernel(parameters, aggregates, context))
    },
    onAggregates: (parameters, branches, context) => {
      const { what, pick } = definition.fromPushDown
      const aggregates = new Map<string, A>()
      const warnings: string[] = []
      for (const [branch, pushed] of branches) {
        const aggregate = pick(pushed)
        if (aggregate === undefined)
          warnings.push(
            `branch ${branch}: no ${what} was pushed down for ${definition.name}: left out`,
          )
        else aggregates.set(branch, aggregate)
      }
      const output = kernel(parameters, aggregates, context)
      return withSpreadRule(aggregates, {
        ...output,
        warnings: [...warnings, ...output.warnings],
      })
    },
  }
}
