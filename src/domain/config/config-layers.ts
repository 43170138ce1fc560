import type { Experiment } from "../experiment.js"
import type { OutcomeSummary } from "./analysis-configuration.js"
import { type ConfigCollection, findOutcome } from "./collection.js"
import { type ConfigIssue, didYouMean, issue } from "./config-issue.js"
import { dedent } from "./dedent.js"
import { mergeAnalysisSpecs, outcomeLayer } from "./merge.js"
import {
  type AnalysisSpec,
  type DefinitionsSpec,
  emptyAnalysisSpec,
  emptyDefinitions,
} from "./spec.js"

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
export const configLayers = (
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
