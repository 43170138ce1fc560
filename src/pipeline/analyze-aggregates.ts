import * as Path from "node:path"
import { Effect } from "effect"
import { aggregateRequestOf, type StatisticName } from "../stats/catalogue/statistic-catalogue.js"
import type { AggregateRequest } from "../stats/catalogue/statistic-descriptor.js"
import { computeSummaryOnAggregates } from "../stats/summary-on-aggregates.js"
import { type AggregatesShape, decodeAggregatesFile } from "./aggregates-file.js"
import {
  AnalyzeTableError,
  type AnalyzeTableResult,
  decodeRequestedStatistic,
  knownStatisticName,
  publishedResults,
} from "./analysis-request.js"
import { sampleRatioRows } from "./sample-ratio-rows.js"
import {
  aggregateKindOf,
  neededAggregate,
  statisticsFor,
  statisticsFromSums,
  withImpliedParameters,
} from "./statistic-from-sums.js"

export interface AnalyzeAggregatesRequest {
  /** Names the input in messages, and the rows' metric when the input names none. */
  readonly file: string
  /** The file's JSON, parsed (aggregates-file.ts says what it holds). */
  readonly contents: unknown
  readonly statistic: string
  /** Statistic parameters as TOML would hold them. */
  readonly parameters: Readonly<Record<string, unknown>>
  readonly confidence?: number
  readonly seed: number
  /** Configured traffic share per branch for the sample-ratio test; equal shares otherwise. */
  readonly ratios?: Readonly<Record<string, number>>
}

/** What sums lack, in a person's words. */
const perClientData = (kind: AggregateRequest["kind"] | undefined): string => {
  switch (kind) {
    case "histogram":
      return "each branch's distinct values with their counts"
    case "order_statistics":
      return "each branch's order statistics"
    default:
      return "per-client data"
  }
}

/** A usage error: this statistic cannot run from sufficient statistics at all. */
const needsPerClientData = (name: StatisticName) =>
  new AnalyzeTableError({
    message: `${name} needs ${perClientData(neededAggregate(name))}, which sufficient statistics do not give (analyze-table computes it from a per-client table); from sufficient statistics: ${statisticsFromSums().join(", ")}`,
    usage: true,
  })

/** An error in the file: its branches hold sums that the statistic does not read. */
const notForShape = (file: string, name: StatisticName, shape: AggregatesShape) =>
  new AnalyzeTableError({
    message:
      shape === "ratio_sums"
        ? `${file}: the branches hold a ratio (a denominator), which ${name} does not take; statistics of a ratio: ${statisticsFor("ratio_sums").join(", ")}`
        : `${file}: ${name}, as asked, reads a ratio's sums: each branch needs a "denominator" (with "sum_products")`,
  })

/**
 * Analyses one metric's sufficient statistics per branch (n, Σy, Σy², with a covariate's or
 * a ratio's denominator's sums): one statistic, per branch and per pair of branches, as
 * analyze-table's rows of the published format, followed by the sample-ratio mismatch test
 * of the clients per branch. Only statistics whose aggregate is sums or a ratio's sums run;
 * the input's shape sets the parameters that say which (statistic-from-sums.ts).
 */
export const analyzeAggregates = (
  request: AnalyzeAggregatesRequest,
): Effect.Effect<AnalyzeTableResult, AnalyzeTableError> =>
  Effect.gen(function* () {
    const name = yield* knownStatisticName(request.statistic)
    if (!statisticsFromSums().includes(name)) return yield* needsPerClientData(name)
    const input = yield* decodeAggregatesFile(request.file, request.contents)
    if (!statisticsFor(input.shape).includes(name)) {
      return yield* notForShape(request.file, name, input.shape)
    }
    const branchNames = [...input.branches.keys()]
    const unknownRatios = Object.keys(request.ratios ?? {}).filter(
      (branch) => !input.branches.has(branch),
    )
    if (unknownRatios.length > 0) {
      return yield* new AnalyzeTableError({
        message: `a ratio is given for ${unknownRatios.map((branch) => `"${branch}"`).join(", ")}, not a branch of ${request.file} (${branchNames.join(", ")})`,
      })
    }
    const written = {
      ...request.parameters,
      ...(request.confidence === undefined ? {} : { confidence_interval: request.confidence }),
    }
    const { statistic } = yield* decodeRequestedStatistic({
      statistic: name,
      parameters: withImpliedParameters(name, written, input.shape),
      preTreatments: [],
    })
    const aggregate = aggregateRequestOf(statistic)
    if (aggregate.kind !== "sums" && aggregate.kind !== "ratio_sums") {
      return yield* needsPerClientData(name)
    }
    if (aggregate.winsorizeAt !== undefined && aggregate.winsorizeAt < 1) {
      return yield* new AnalyzeTableError({
        message: `invalid ${name}: drop_highest: sums cannot be capped at a quantile; cap the values before summing them, or leave drop_highest out`,
        usage: true,
      })
    }
    if (aggregate.kind !== aggregateKindOf(input.shape)) {
      return yield* notForShape(request.file, name, input.shape)
    }
    const metric = input.metric ?? Path.basename(request.file, Path.extname(request.file))
    const unusedCovariate =
      input.shape === "sums_with_covariate" &&
      aggregate.kind === "sums" &&
      aggregate.covariate === undefined
        ? [`${request.file}: ${name} does not use the covariate`]
        : []
    const summary = yield* publishedResults(
      statistic,
      computeSummaryOnAggregates(statistic, input.branches, { seed: request.seed, stream: metric }),
      { metric, reference: input.reference },
    )
    const ratioTest = sampleRatioRows(
      new Map([...input.branches].map(([branch, { clients }]) => [branch, clients])),
      request.ratios,
      input.reference,
    )
    return {
      results: [...summary.results, ...ratioTest.results],
      warnings: [...input.warnings, ...unusedCovariate, ...summary.warnings, ...ratioTest.warnings],
    }
  })
