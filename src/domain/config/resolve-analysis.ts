import { Either } from "effect"
import { analysisPeriods, byPeriod, configKeyOf } from "../analysis-period.js"
import type { Experiment } from "../experiment.js"
import { experimentSchedule } from "../experiment-schedule.js"
import { platformOf } from "../platform.js"
import type {
  AnalysisConfiguration,
  AnalysisUnit,
  ExperimentOverrides,
  ExposureSignal,
  Metric,
  OutcomeSummary,
  PeriodConfiguration,
  Segment,
  Summary,
} from "./analysis-configuration.js"
import { type ConfigCollection, findOutcome } from "./collection.js"
import { type ConfigIssue, didYouMean, errorsOf, issue } from "./config-issue.js"
import { mergeAnalysisSpecs, outcomeLayer } from "./merge.js"
import { createResolver, dedent, type Resolver } from "./resolver.js"
import {
  type AnalysisSpec,
  type DefinitionsSpec,
  emptyAnalysisSpec,
  emptyDefinitions,
} from "./spec.js"
import { scopes } from "./template.js"
import { bindParameters, experimentAttributes, templateContext } from "./template-context.js"
import { ownStatisticsRule } from "./upstream-statistics.js"

export interface ResolutionRequest {
  readonly collection: ConfigCollection
  readonly experiment: Experiment
  /** Experiment type whose defaults file applies after the platform's (Jetstream: "v6"). */
  readonly experimentType?: string
  /** A per-experiment config to use instead of the collection's (`--config-file`). */
  readonly customConfig?: AnalysisSpec
}

/**
 * The layers of configuration for an experiment, earliest first: the platform's
 * definitions, its defaults, the experiment type's defaults, each outcome, the
 * per-experiment config.
 */
const layersFor = (
  request: ResolutionRequest,
  issues: ConfigIssue[],
): {
  readonly merged: AnalysisSpec
  readonly overDefinitions: AnalysisSpec
  readonly definitions: DefinitionsSpec
  readonly outcomes: ReadonlyArray<OutcomeSummary>
  readonly layerWarnings: ReadonlyArray<ConfigIssue>
} => {
  const { collection, experiment } = request
  const platform = experiment.appName
  const definitions = collection.definitions.get(platform) ?? emptyDefinitions
  const loadedCustom =
    request.customConfig === undefined ? collection.experiments.get(experiment.slug) : undefined
  const custom = request.customConfig ?? loadedCustom?.spec
  const layerWarnings: ConfigIssue[] = [...(loadedCustom?.warnings ?? [])]
  const defaults = [platform, request.experimentType ?? "v6"]
    .filter((name, index, names) => names.indexOf(name) === index)
    .flatMap((name) => {
      const loaded = collection.defaults.get(name)
      layerWarnings.push(...(loaded?.warnings ?? []))
      return loaded === undefined ? [] : [loaded.spec]
    })
  const outcomeSlugs = [
    ...new Set([...experiment.outcomes, ...(custom?.experiment.outcomes ?? [])]),
  ]
  const outcomes: OutcomeSummary[] = []
  const outcomeLayers = outcomeSlugs.flatMap((slug) => {
    const outcome = findOutcome(collection, platform, slug)
    if (outcome === undefined) {
      const known = [...collection.outcomes.values()]
        .filter((o) => o.platform === platform)
        .map((o) => o.slug)
      issues.push(
        issue(
          "experiment.outcomes",
          `outcome "${slug}" is not defined for platform "${platform}"${didYouMean(slug, known)}`,
        ),
      )
      return []
    }
    layerWarnings.push(...(outcome.warnings ?? []))
    outcomes.push({
      slug,
      friendlyName: outcome.spec.friendlyName,
      description: dedent(outcome.spec.description),
      metrics: Object.keys(outcome.spec.metrics),
      defaultMetrics: outcome.spec.defaultMetrics,
    })
    return [outcomeLayer(outcome.spec)]
  })
  const base: AnalysisSpec = {
    ...emptyAnalysisSpec,
    ...definitions,
    metrics: { periods: {}, definitions: definitions.metrics.definitions },
  }
  const above = [...defaults, ...outcomeLayers, ...(custom === undefined ? [] : [custom])]
  return {
    merged: [base, ...above].reduce(mergeAnalysisSpecs),
    overDefinitions: above.reduce(mergeAnalysisSpecs, emptyAnalysisSpec),
    definitions,
    outcomes,
    layerWarnings,
  }
}

/**
 * Metrics computed per period, upstream metrics included. Each is a column of the window's
 * metrics table and an aggregate of one query: a bound well below the engines' limits, and
 * far above what a configuration needs.
 */
export const maxMetricsPerPeriod = 2_000

const resolvePeriod = (
  resolver: Resolver,
  names: ReadonlyArray<string>,
  path: ReadonlyArray<string>,
): PeriodConfiguration => {
  const summaries: Summary[] = []
  const ordered: Metric[] = []
  const placed = new Set<string>()
  const place = (metric: Metric) => {
    if (placed.has(metric.name)) return
    placed.add(metric.name)
    for (const upstream of resolver.upstreamOf(metric)) {
      const resolved = resolver.metric(upstream, path)
      if (resolved !== undefined) place(resolved)
    }
    ordered.push(metric)
  }
  for (const name of names) {
    const metric = resolver.metric(name, path)
    if (metric === undefined) continue
    const metricSummaries = resolver.summaries(metric, ["metrics", name])
    summaries.push(...metricSummaries)
    if (metricSummaries.length > 0) place(metric)
  }
  return { metrics: ordered, summaries }
}

const analysisUnitFor = (experiment: Experiment): AnalysisUnit =>
  experiment.randomizationUnit === "group_id" ? "profile_group_id" : "client_id"

/**
 * Resolves everything an experiment's analysis needs from the configuration collection.
 * Either the configuration, or every issue found (never only the first).
 */
export const resolveAnalysisConfiguration = (
  request: ResolutionRequest,
): Either.Either<AnalysisConfiguration, ReadonlyArray<ConfigIssue>> => {
  const issues: ConfigIssue[] = []
  const { experiment } = request
  const { merged, overDefinitions, definitions, outcomes, layerWarnings } = layersFor(
    request,
    issues,
  )
  const overrides: ExperimentOverrides = {
    ...(merged.experiment.start_date === undefined
      ? {}
      : { startDate: merged.experiment.start_date }),
    ...(merged.experiment.end_date === undefined ? {} : { endDate: merged.experiment.end_date }),
    ...(merged.experiment.enrollment_period === undefined
      ? {}
      : { enrollmentPeriod: merged.experiment.enrollment_period }),
    ...(merged.experiment.reference_branch === undefined
      ? {}
      : { referenceBranch: merged.experiment.reference_branch }),
  }
  const schedule = experimentSchedule(experiment, overrides)
  const referenceBranch = overrides.referenceBranch ?? experiment.referenceBranch
  if (
    referenceBranch !== undefined &&
    experiment.branches.length > 0 &&
    !experiment.branches.some((branch) => branch.slug === referenceBranch)
  ) {
    const branches = experiment.branches.map((branch) => branch.slug)
    issues.push(
      issue(
        "experiment.reference_branch",
        `reference branch "${referenceBranch}" is not a branch of "${experiment.slug}" (${branches.join(", ")})${didYouMean(referenceBranch, branches)}`,
      ),
    )
  }
  const attributes = experimentAttributes(experiment, schedule, referenceBranch)
  const context = templateContext(
    request.collection.functions,
    attributes,
    bindParameters(merged.parameters, issues),
  )
  const resolver = createResolver(
    merged,
    context,
    { experiment_slug: attributes.slug ?? experiment.slug },
    issues,
    {
      appName: experiment.appName,
      hasOwnStatistics: ownStatisticsRule(definitions, overDefinitions, merged),
    },
  )

  const periods = byPeriod((period) =>
    resolvePeriod(resolver, merged.metrics.periods[period] ?? [], ["metrics", configKeyOf(period)]),
  )
  for (const period of analysisPeriods) {
    const count = periods[period].metrics.length
    if (count > maxMetricsPerPeriod) {
      issues.push(
        issue(
          `metrics.${configKeyOf(period)}`,
          `${count.toLocaleString("en-US")} metrics in one period: at most ${maxMetricsPerPeriod.toLocaleString("en-US")} (each is a column of one table per window; BigQuery allows 10,000 columns, and DuckDB crashes past 16,383 aggregates in one query)`,
        ),
      )
    }
  }

  const segmentNames = [...new Set([...(merged.experiment.segments ?? []), ...experiment.segments])]
  const segments = segmentNames.flatMap((name): ReadonlyArray<Segment> => {
    const segment = resolver.segment(name, ["experiment", "segments"])
    return segment === undefined ? [] : [segment]
  })

  const signal = merged.experiment.exposure_signal
  let exposureSignal: ExposureSignal | undefined
  if (signal !== undefined) {
    const signalPath = ["experiment", "exposure_signal"]
    const dataSource = resolver.dataSource(signal.data_source, [...signalPath, "data_source"])
    const selectExpression = resolver.render(
      signal.select_expression,
      [...signalPath, "select_expression"],
      scopes.exposureSignal,
    )
    if (dataSource !== undefined && selectExpression !== undefined) {
      exposureSignal = {
        name: signal.name,
        dataSource,
        selectExpression,
        ...(signal.friendly_name === undefined ? {} : { friendlyName: signal.friendly_name }),
        ...(signal.description === undefined ? {} : { description: dedent(signal.description) }),
        ...(signal.window_start === undefined ? {} : { windowStart: signal.window_start }),
        ...(signal.window_end === undefined ? {} : { windowEnd: signal.window_end }),
      }
    }
  }

  const enrollmentQuery =
    merged.experiment.enrollment_query === undefined
      ? undefined
      : resolver.render(
          merged.experiment.enrollment_query,
          ["experiment", "enrollment_query"],
          scopes.experimentOnly,
        )

  const isPrivate = merged.experiment.is_private ?? false
  if (isPrivate && merged.experiment.dataset_id === undefined) {
    issues.push(
      issue(
        "experiment.dataset_id",
        "a private experiment (is_private = true) must set dataset_id",
      ),
    )
  }
  const defaultQueryType = platformOf(experiment.appName)?.enrollmentsQueryType ?? "glean-event"
  const enrollmentsQueryType = merged.experiment.enrollments_query_type ?? defaultQueryType

  // Warnings do not stop an analysis; with an error, they are reported beside it.
  if (errorsOf(issues).length > 0) return Either.left(dedupe(issues))
  return Either.right({
    experiment,
    overrides,
    schedule,
    ...(referenceBranch === undefined ? {} : { referenceBranch }),
    periods,
    segments,
    ...(exposureSignal === undefined ? {} : { exposureSignal }),
    ...(enrollmentQuery === undefined ? {} : { enrollmentQuery }),
    enrollmentsQueryType,
    exposureQueryType: merged.experiment.exposure_query_type ?? enrollmentsQueryType,
    analysisUnit: merged.experiment.analysis_unit ?? analysisUnitFor(experiment),
    ...(merged.experiment.sample_size === undefined
      ? {}
      : { sampleSize: merged.experiment.sample_size }),
    skip: merged.experiment.skip ?? false,
    isPrivate,
    ...(merged.experiment.dataset_id === undefined
      ? {}
      : { datasetId: merged.experiment.dataset_id }),
    outcomes,
    warnings: dedupe([...layerWarnings, ...issues]),
  })
}

const dedupe = (issues: ReadonlyArray<ConfigIssue>): ReadonlyArray<ConfigIssue> => {
  const seen = new Set<string>()
  return issues.filter((entry) => {
    const key = `${entry.path}\u0000${entry.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
