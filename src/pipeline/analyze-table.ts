import { Data, Effect } from "effect"
import type { ConfigIssue } from "../domain/config/config-issue.js"
import { didYouMean } from "../domain/config/config-issue.js"
import { decodeStatistic } from "../domain/config/decode.js"
import type { StatisticResult } from "../domain/statistic-result.js"
import type { Warehouse } from "../services/warehouse/warehouse.js"
import {
  aggregateRequestOf,
  confidenceOf,
  isStatisticName,
  publishedNameOf,
  statisticNames,
} from "../stats/catalogue/statistic-catalogue.js"
import { type ClientColumns, computeSummaryOnClients } from "../stats/compute-summary.js"
import { sampleRatioMismatch } from "../stats/sample-ratio.js"
import { sampleRatioResult, toStatisticResults } from "../stats/statistic-results.js"
import {
  type BranchColumns,
  type BranchTable,
  readBranchTable,
  type TableFileError,
} from "./table-file.js"

/** A request of `slipstream analyze-table` that cannot be carried out as asked. */
export class AnalyzeTableError extends Data.TaggedError("AnalyzeTableError")<{
  readonly message: string
  /** The request itself is wrong (a statistic or parameter), whatever the file holds. */
  readonly usage?: true
}> {}

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

export interface AnalyzeTableResult {
  readonly results: ReadonlyArray<StatisticResult>
  readonly warnings: ReadonlyArray<string>
}

/** A config's warnings say what is ignored; here every issue refuses the request. */
const describeIssues = (issues: ReadonlyArray<ConfigIssue>): string =>
  issues
    .map(({ path, message }) => {
      const refusal = message.replace("; it is ignored", "")
      return path === "" ? refusal : `${path}: ${refusal}`
    })
    .join("; ")

/** The request's statistic and pre-treatments, decoded as the TOML's would be. */
const decodeSummary = (request: AnalyzeTableRequest) =>
  Effect.gen(function* () {
    const name = request.statistic
    if (!isStatisticName(name)) {
      return yield* new AnalyzeTableError({
        message: `unknown statistic "${name}"${didYouMean(name, statisticNames)}; known: ${statisticNames.join(", ")}`,
        usage: true,
      })
    }
    const parameters = {
      ...request.parameters,
      ...(request.confidence === undefined ? {} : { confidence_interval: request.confidence }),
    }
    const issues: ConfigIssue[] = []
    const spec = decodeStatistic(
      name,
      { ...parameters, pre_treatments: [...request.preTreatments] },
      [],
      issues,
    )
    if (spec.decoded === undefined || issues.length > 0) {
      return yield* new AnalyzeTableError({
        message: `invalid ${name}: ${describeIssues(issues)}`,
        usage: true,
      })
    }
    const statistic = spec.decoded
    const { preTreatments } = spec
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
  summary: DecodedSummary,
  branches: ReadonlyMap<string, ClientColumns>,
): Effect.Effect<AnalyzeTableResult, AnalyzeTableError> =>
  Effect.gen(function* () {
    const { statistic, preTreatments } = summary
    const output = computeSummaryOnClients(statistic, preTreatments, branches, {
      seed: request.seed,
      stream: request.metric,
      analysisPeriodLength: 1,
    })
    if (output.refused !== undefined) {
      return yield* new AnalyzeTableError({
        message: `metric "${request.metric}": ${output.refused}`,
      })
    }
    const rows = output.rows.filter(
      (row) =>
        request.reference === undefined ||
        row.comparison === undefined ||
        row.comparisonToBranch === request.reference,
    )
    const confidence = confidenceOf(statistic)
    const results = toStatisticResults(rows, {
      metric: request.metric,
      statistic: publishedNameOf(statistic),
      segment: "all",
      analysisBasis: "enrollments",
      windowIndex: 1,
      ...(confidence === undefined ? {} : { confidence }),
    })
    return { results, warnings: output.warnings }
  })

/** The sample-ratio mismatch test of the clients per branch, as a published row if it ran. */
const sampleRatioResults = (
  request: AnalyzeTableRequest,
  table: BranchColumns,
  valuesColumn: string,
): AnalyzeTableResult => {
  const ratioTest = sampleRatioMismatch(
    new Map(
      [...table].map(([branch, byColumn]) => [
        branch,
        {
          enrolled: byColumn.get(valuesColumn)?.length ?? 0,
          ratio: request.ratios?.[branch] ?? 1,
        },
      ]),
    ),
  )
  const results: ReadonlyArray<StatisticResult> =
    ratioTest.test === undefined
      ? []
      : [
          sampleRatioResult(ratioTest.test, {
            segment: "all",
            analysisBasis: "enrollments",
            windowIndex: 1,
            referenceBranch: request.reference ?? [...table.keys()][0] ?? "",
          }),
        ]
  return { results, warnings: ratioTest.warnings }
}

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
    const ratioTest = sampleRatioResults(request, read.branches, valuesColumn)
    return {
      results: [...statistic.results, ...ratioTest.results],
      warnings: [...readWarnings, ...statistic.warnings, ...ratioTest.warnings],
    }
  })
