import { Either } from "effect"
import type { Experiment } from "../experiment.js"
import { experimentSchedule } from "../experiment-schedule.js"
import { platformOf } from "../platform.js"
import type {
  AnalysisConfiguration,
  AnalysisUnit,
  ExperimentOverrides,
  ExposureSignal,
  Segment,
} from "./analysis-configuration.js"
import { type ConfigIssue, didYouMean, errorsOf, issue } from "./config-issue.js"
import { configLayers, type ResolutionRequest } from "./config-layers.js"
import { dedent } from "./dedent.js"
import { resolvePeriods } from "./resolve-periods.js"
import { createResolver, type Resolver } from "./resolver.js"
import type { AnalysisSpec } from "./spec.js"
import { scopes } from "./template.js"
import { bindParameters, experimentAttributes, templateContext } from "./template-context.js"
import { ownStatisticsRule } from "./upstream-statistics.js"

export type { ResolutionRequest } from "./config-layers.js"

const analysisUnitFor = (experiment: Experiment): AnalysisUnit =>
  experiment.randomizationUnit === "group_id" ? "profile_group_id" : "client_id"

/** The experiment's dates and reference branch as the merged configuration overrides them. */
const overridesOf = ({ experiment: fields }: AnalysisSpec): ExperimentOverrides => ({
  ...(fields.start_date === undefined ? {} : { startDate: fields.start_date }),
  ...(fields.end_date === undefined ? {} : { endDate: fields.end_date }),
  ...(fields.enrollment_period === undefined ? {} : { enrollmentPeriod: fields.enrollment_period }),
  ...(fields.reference_branch === undefined ? {} : { referenceBranch: fields.reference_branch }),
})

/** A reference branch that is not one of the experiment's branches is an error. */
const checkReferenceBranch = (
  experiment: Experiment,
  referenceBranch: string | undefined,
  issues: ConfigIssue[],
): void => {
  if (
    referenceBranch === undefined ||
    experiment.branches.length === 0 ||
    experiment.branches.some((branch) => branch.slug === referenceBranch)
  )
    return
  const branches = experiment.branches.map((branch) => branch.slug)
  issues.push(
    issue(
      "experiment.reference_branch",
      `reference branch "${referenceBranch}" is not a branch of "${experiment.slug}" (${branches.join(", ")})${didYouMean(referenceBranch, branches)}`,
    ),
  )
}

/** The segments the experiment and its configuration name, those that resolve. */
const resolveSegments = (
  resolver: Resolver,
  merged: AnalysisSpec,
  experiment: Experiment,
): ReadonlyArray<Segment> => {
  const names = [...new Set([...(merged.experiment.segments ?? []), ...experiment.segments])]
  return names.flatMap((name): ReadonlyArray<Segment> => {
    const segment = resolver.segment(name, ["experiment", "segments"])
    return segment === undefined ? [] : [segment]
  })
}

const resolveExposureSignal = (
  resolver: Resolver,
  signal: NonNullable<AnalysisSpec["experiment"]["exposure_signal"]>,
): ExposureSignal | undefined => {
  const signalPath = ["experiment", "exposure_signal"]
  const dataSource = resolver.dataSource(signal.data_source, [...signalPath, "data_source"])
  const selectExpression = resolver.render(
    signal.select_expression,
    [...signalPath, "select_expression"],
    scopes.exposureSignal,
  )
  if (dataSource === undefined || selectExpression === undefined) return undefined
  return {
    name: signal.name,
    dataSource,
    selectExpression,
    ...(signal.friendly_name === undefined ? {} : { friendlyName: signal.friendly_name }),
    ...(signal.description === undefined ? {} : { description: dedent(signal.description) }),
    ...(signal.window_start === undefined ? {} : { windowStart: signal.window_start }),
    ...(signal.window_end === undefined ? {} : { windowEnd: signal.window_end }),
  }
}

/** A private experiment's results go to a dataset of their own, which it must name. */
const checkPrivateDataset = (merged: AnalysisSpec, issues: ConfigIssue[]): void => {
  if ((merged.experiment.is_private ?? false) && merged.experiment.dataset_id === undefined) {
    issues.push(
      issue(
        "experiment.dataset_id",
        "a private experiment (is_private = true) must set dataset_id",
      ),
    )
  }
}

/**
 * Resolves everything an experiment's analysis needs from the configuration collection.
 * Either the configuration, or every issue found (never only the first).
 */
export const resolveAnalysisConfiguration = (
  request: ResolutionRequest,
): Either.Either<AnalysisConfiguration, ReadonlyArray<ConfigIssue>> => {
  const issues: ConfigIssue[] = []
  const { experiment } = request
  const { merged, overDefinitions, definitions, outcomes, layerWarnings } = configLayers(
    request,
    issues,
  )
  const overrides = overridesOf(merged)
  const schedule = experimentSchedule(experiment, overrides)
  const referenceBranch = overrides.referenceBranch ?? experiment.referenceBranch
  checkReferenceBranch(experiment, referenceBranch, issues)
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

  const periods = resolvePeriods(resolver, merged, issues)
  const segments = resolveSegments(resolver, merged, experiment)
  const signal = merged.experiment.exposure_signal
  const exposureSignal = signal === undefined ? undefined : resolveExposureSignal(resolver, signal)
  const enrollmentQuery =
    merged.experiment.enrollment_query === undefined
      ? undefined
      : resolver.render(
          merged.experiment.enrollment_query,
          ["experiment", "enrollment_query"],
          scopes.experimentOnly,
        )
  checkPrivateDataset(merged, issues)
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
    isPrivate: merged.experiment.is_private ?? false,
    ...(merged.experiment.dataset_id === undefined
      ? {}
      : { datasetId: merged.experiment.dataset_id }),
    // "none" is left out like an absent setting: both publish raw p-values, and the
    // configuration hash of an experiment that never set it stays what it was.
    ...(merged.experiment.multiple_testing === undefined ||
    merged.experiment.multiple_testing === "none"
      ? {}
      : { multipleTesting: merged.experiment.multiple_testing }),
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
