import { Either } from "effect"
import { addDays } from "../dates.js"
import type { Experiment } from "../experiment.js"
import { experimentSchedule } from "../experiment-schedule.js"
import { platformOf, platforms } from "../platform.js"
import { addToCollection, type ConfigCollection, type DecodedFile } from "./collection.js"
import { asWarnings, type ConfigIssue } from "./config-issue.js"
import { resolveAnalysisConfiguration } from "./resolve-analysis.js"
import { createResolver } from "./resolver.js"
import { type AnalysisSpec, emptyDefinitions, type Named } from "./spec.js"
import type { ParameterFields } from "./spec-schemas.js"
import { bindParameters, experimentAttributes, templateContext } from "./template-context.js"

/**
 * Checks one decoded file in the context of a collection (which the file joins first),
 * the way Jetstream's validation does: experiment configs, defaults and outcomes are
 * resolved against a synthetic experiment; definitions have every entry resolved.
 */
export interface FileValidation {
  readonly issues: ReadonlyArray<ConfigIssue>
  /** The platform a file was resolved for, when it had to be inferred. */
  readonly platform?: string
}

const syntheticStart = "2020-01-01"

/** Branch slugs a config implies: its reference branch and per-branch parameter keys. */
const impliedBranches = (
  parameters: Named<ParameterFields>,
  referenceBranch: string | undefined,
) => {
  const slugs = new Set<string>(["control", "treatment"])
  if (referenceBranch !== undefined) slugs.add(referenceBranch)
  for (const parameter of Object.values(parameters)) {
    for (const table of [parameter.value, parameter.default]) {
      if (typeof table === "object") for (const branch of Object.keys(table)) slugs.add(branch)
    }
  }
  return [...slugs].map((slug) => ({ slug, ratio: 1 }))
}

export const syntheticExperiment = (
  slug: string,
  appName: string,
  options: {
    readonly startDate?: string
    readonly endDate?: string
    readonly referenceBranch?: string
    readonly parameters?: Named<ParameterFields>
    readonly outcomes?: ReadonlyArray<string>
  } = {},
): Experiment => {
  const startDate = options.startDate ?? syntheticStart
  return {
    slug,
    appName,
    appId: platformOf(appName)?.appId ?? appName,
    branches: impliedBranches(options.parameters ?? {}, options.referenceBranch),
    referenceBranch: options.referenceBranch ?? "control",
    startDate,
    endDate: options.endDate ?? addDays(startDate, 28),
    proposedEnrollment: 7,
    isRollout: false,
    outcomes: options.outcomes ?? [],
    segments: [],
  }
}

const resolutionIssues = (
  collection: ConfigCollection,
  experiment: Experiment,
  experimentType?: string,
): ReadonlyArray<ConfigIssue> => {
  const result = resolveAnalysisConfiguration({
    collection,
    experiment,
    ...(experimentType === undefined ? {} : { experimentType }),
  })
  // The warnings of other files (a defaults file, an outcome) are theirs to report.
  const issues = Either.isLeft(result) ? result.left : result.right.warnings
  return issues.filter((entry) => entry.file === undefined)
}

/** Every metric, data source, segment and dimension of a definitions file, resolved. */
const definitionsIssues = (
  collection: ConfigCollection,
  file: Extract<DecodedFile, { kind: "definitions" }>,
): ReadonlyArray<ConfigIssue> => {
  const issues: ConfigIssue[] = []
  const platform = file.platform
  const merged = collection.definitions.get(platform) ?? emptyDefinitions
  const experiment = syntheticExperiment("validation-experiment", platform)
  const attributes = experimentAttributes(
    experiment,
    experimentSchedule(experiment, { enrollmentPeriod: 7 }),
    "control",
  )
  const context = templateContext(
    collection.functions,
    attributes,
    bindParameters(merged.parameters, issues),
  )
  const resolver = createResolver(merged, context, { experiment_slug: experiment.slug }, issues, {
    appName: platform,
  })
  for (const name of Object.keys(file.spec.metrics.definitions)) {
    resolver.metric(name, ["metrics", name])
  }
  for (const name of Object.keys(file.spec.dataSources)) {
    resolver.dataSource(name, ["data_sources", name])
  }
  for (const name of Object.keys(file.spec.segments.definitions)) {
    resolver.segment(name, ["segments", name])
  }
  for (const [name, dimension] of Object.entries(file.spec.dimensions)) {
    resolver.dataSource(dimension.data_source, ["dimensions", name, "data_source"])
  }
  return issues
}

/** The synthetic experiment an experiment config is validated (and rehearsed) with. */
export const experimentOfConfig = (
  file: Extract<DecodedFile, { kind: "experiment" }>,
  appName: string,
): Experiment => {
  const config = file.spec
  return syntheticExperiment(file.slug, appName, {
    ...(config.experiment.start_date === undefined
      ? {}
      : { startDate: config.experiment.start_date }),
    ...(config.experiment.end_date === undefined ? {} : { endDate: config.experiment.end_date }),
    ...(config.experiment.reference_branch === undefined
      ? {}
      : { referenceBranch: config.experiment.reference_branch }),
    parameters: config.parameters,
  })
}

export const validateFile = (
  collectionWithoutFile: ConfigCollection,
  file: DecodedFile,
  origin: { readonly file: string },
  options: { readonly platform?: string } = {},
): FileValidation => {
  const collection = addToCollection(collectionWithoutFile, file, origin)
  switch (file.kind) {
    case "functions":
      return { issues: [] }
    case "definitions":
      // metric-config-parser resolves nothing of a definitions file on its own (an entry's
      // problems surface in the experiments that use it): here they are warnings.
      return { issues: asWarnings(definitionsIssues(collection, file)) }
    case "defaults": {
      const name = file.name
      const isPlatform = platformOf(name) !== undefined
      const appName = isPlatform ? name : (options.platform ?? "firefox_desktop")
      const experiment = syntheticExperiment("validation-experiment", appName)
      return { issues: resolutionIssues(collection, experiment, isPlatform ? undefined : name) }
    }
    case "outcome": {
      const { platform, slug } = file
      const experiment = syntheticExperiment("validation-experiment", platform, {
        parameters: file.spec.parameters,
        outcomes: [slug],
      })
      return { issues: resolutionIssues(collection, experiment) }
    }
    case "experiment": {
      const config = file.spec
      const experimentFor = (appName: string) => experimentOfConfig(file, appName)
      const candidates =
        options.platform === undefined
          ? platforms.map((platform) => platform.appName)
          : [options.platform]
      const names = namesReferencedBy(config)
      const outcomes = candidates.map((appName) => ({
        platform: appName,
        issues: resolutionIssues(collection, experimentFor(appName)),
        familiarity: familiarity(collection, appName, names),
      }))
      // Valid for some application: say so (the most familiar one). Otherwise report the
      // application whose definitions know most of the names the config uses.
      const ranked = [...outcomes].sort(
        (a, b) =>
          Number(b.issues.length === 0) - Number(a.issues.length === 0) ||
          b.familiarity - a.familiarity ||
          a.issues.length - b.issues.length,
      )
      const best = ranked[0]
      return best === undefined ? { issues: [] } : { issues: best.issues, platform: best.platform }
    }
  }
}

/** Metric, data source and segment names an experiment config refers to or defines. */
const namesReferencedBy = (config: AnalysisSpec): ReadonlySet<string> => {
  const names = new Set<string>()
  const add = (name: string | undefined) => {
    if (name !== undefined) names.add(name)
  }
  for (const list of Object.values(config.metrics.periods)) list.forEach(add)
  for (const [name, metric] of Object.entries(config.metrics.definitions)) {
    add(name)
    add(metric.data_source)
    metric.depends_on?.forEach(add)
  }
  for (const segment of config.experiment.segments ?? []) add(segment)
  add(config.experiment.exposure_signal?.data_source)
  return names
}

/** How many of `names` an application's definitions define. */
const familiarity = (
  collection: ConfigCollection,
  appName: string,
  names: ReadonlySet<string>,
): number => {
  const definitions = collection.definitions.get(appName)
  if (definitions === undefined) return 0
  return [...names].filter(
    (name) =>
      Object.hasOwn(definitions.metrics.definitions, name) ||
      Object.hasOwn(definitions.dataSources, name) ||
      Object.hasOwn(definitions.segments.definitions, name),
  ).length
}
