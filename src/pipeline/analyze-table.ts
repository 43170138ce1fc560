import { Effect } from "effect"
import type { Warehouse } from "../services/warehouse/warehouse.js"
import { aggregateRequestOf } from "../stats/catalogue/statistic-catalogue.js"
import { type ClientColumns, computeSummaryOnClients } from "../stats/compute-summary.js"
import {
  AnalyzeTableError,
  type AnalyzeTableResult,
  decodeRequestedStatistic,
  publishedResults,
} from "./analysis-request.js"
import { sampleRatioRows } from "./sample-ratio-rows.js"
import {
  type BranchColumns,
  type BranchTable,
  readBranchTable,
  type TableFileError,
} from "./table-file.js"

export interface AnalyzeTableRequest {
  readonly file: string
  readonly metric: string
  readonly statistic: string
  /** Statistic parameters as TOML would hold them (`num_samples`, `covariate_adjustment`, ...). */
  readonly parameters: Readonly<Record<string, unknown>>
  /** Pre-treatments as in TOML: names, or tables with `name`. */
  readonly preTreatments: ReadonlyArray<unknown>
  readonly branchColumn: string
  /** Keep only comparisons against this branch (all branches serve as reference otherwise). */
  readonly reference?: string
  readonly covariate?: string
  readonly confidence?: number
  readonly seed: number
  /** Configured traffic share per branch for the sample-ratio test; equal shares otherwise. */
  readonly ratios?: Readonly<Record<string, number>>
}

/** The request's statistic and pre-treatments, decoded as the TOML's would be. */
const decodeSummary = (request: AnalyzeTableRequest) =>
  Effect.gen(function* () {
    const { statistic, preTreatments } = yield* decodeRequestedStatistic(request)
    // A ratio's metric names the ratio (as in TOML: `ad_ctr` of `ad_clicks` / `search_count`),
    // not a column: its values are the numerator's, as the push-down's ratio sums read them
    // (the numerator decides which rows the pre-treatments drop).
    const aggregate = aggregateRequestOf(statistic)
    const ratioColumns =
      aggregate.kind === "ratio_sums" ? [aggregate.numerator, aggregate.denominator] : []
    return { statistic, preTreatments, ratioColumns }
  })

/** The request's statistic, pre-treatments and ratio columns, decoded. */
type DecodedSummary = Effect.Effect.Success<ReturnType<typeof decodeSummary>>

/** The columns of the file a summary reads: its values first, each column once. */
const columnsRead = (request: AnalyzeTableRequest, summary: DecodedSummary) => {
  const valuesColumn = summary.ratioColumns[0] ?? request.metric
  const columns = [
    valuesColumn,
    ...(request.covariate === undefined ? [] : [request.covariate]),
    ...summary.ratioColumns,
  ].filter((column, index, all) => all.indexOf(column) === index)
  return { valuesColumn, columns }
}

/**
 * The branches read, checked against what the request names (its reference branch, its
 * ratios), and the warning for rows without a branch.
 */
const checkBranches = (
  request: AnalyzeTableRequest,
  { branches: table, withoutBranch }: BranchTable,
): Effect.Effect<ReadonlyArray<string>, AnalyzeTableError> =>
  Effect.gen(function* () {
    const known = () => `column "${request.branchColumn}" (${[...table.keys()].join(", ")})`
    if (table.size === 0) {
      return yield* new AnalyzeTableError({
        message: `no row has a branch in column "${request.branchColumn}"`,
      })
    }
    if (request.reference !== undefined && !table.has(request.reference)) {
      return yield* new AnalyzeTableError({
        message: `reference branch "${request.reference}" is not in ${known()}`,
      })
    }
    const unknownRatios = Object.keys(request.ratios ?? {}).filter((branch) => !table.has(branch))
    if (unknownRatios.length > 0) {
      return yield* new AnalyzeTableError({
        message: `a ratio is given for ${unknownRatios.map((branch) => `"${branch}"`).join(", ")}, not a branch of ${known()}`,
      })
    }
    return withoutBranch.rows === 0
      ? []
      : [
          `${withoutBranch.rows} ${withoutBranch.rows === 1 ? "row has" : "rows have"} no branch (column "${request.branchColumn}" empty, first at row ${withoutBranch.firstRow ?? "?"}): left out`,
        ]
  })

/** Each branch's columns in the roles the statistic reads them in. */
const clientColumnsOf = (
  table: BranchColumns,
  valuesColumn: string,
  covariateColumn: string | undefined,
  ratioColumns: ReadonlyArray<string>,
): ReadonlyMap<string, ClientColumns> => {
  const branches = new Map<string, ClientColumns>()
  for (const [branch, byColumn] of table) {
    const column = (key: string | undefined) => (key === undefined ? undefined : byColumn.get(key))
    const values = byColumn.get(valuesColumn) ?? new Float64Array()
    const covariate = column(covariateColumn)
    const numerator = column(ratioColumns[0])
    const denominator = column(ratioColumns[1])
    branches.set(branch, {
      values,
      ...(covariate === undefined ? {} : { covariate }),
      ...(numerator === undefined ? {} : { numerator }),
      ...(denominator === undefined ? {} : { denominator }),
    })
  }
  return branches
}

/** The statistic's rows in the published format, with its warnings. */
const summaryResults = (
  request: AnalyzeTableRequest,
  { statistic, preTreatments }: DecodedSummary,
  branches: ReadonlyMap<string, ClientColumns>,
): Effect.Effect<AnalyzeTableResult, AnalyzeTableError> =>
  publishedResults(
    statistic,
    computeSummaryOnClients(statistic, preTreatments, branches, {
      seed: request.seed,
      stream: request.metric,
      analysisPeriodLength: 1,
    }),
    request,
  )

/**
 * Analyses a per-client table (CSV or Parquet): one statistic of one metric column (for
 * population_ratio, of its numerator and denominator columns, the metric naming the ratio),
 * per branch and per pair of branches, as rows of the published format (segment "all",
 * analysis basis "enrollments", window 1), followed by the sample-ratio mismatch test of the
 * clients per branch (metric "sample_ratio_mismatch", statistic "chi_square", point = χ²).
 */
export const analyzeTable = (
  request: AnalyzeTableRequest,
): Effect.Effect<AnalyzeTableResult, AnalyzeTableError | TableFileError, Warehouse> =>
  Effect.gen(function* () {
    const summary = yield* decodeSummary(request)
    const { valuesColumn, columns } = columnsRead(request, summary)
    const read = yield* readBranchTable(request.file, request.branchColumn, columns)
    const readWarnings = yield* checkBranches(request, read)
    const statistic = yield* summaryResults(
      request,
      summary,
      clientColumnsOf(read.branches, valuesColumn, request.covariate, summary.ratioColumns),
    )
    const ratioTest = sampleRatioRows(
      new Map(
        [...read.branches].map(([branch, byColumn]) => [
          branch,
          byColumn.get(valuesColumn)?.length ?? 0,
        ]),
      ),
      request.ratios,
      request.reference,
    )
    return {
      results: [...statistic.results, ...ratioTest.results],
      warnings: [...readWarnings, ...statistic.warnings, ...ratioTest.warnings],
    }
  })
