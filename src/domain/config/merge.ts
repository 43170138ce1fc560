import type {
  AnalysisSpec,
  DefinitionsSpec,
  MetricsSpec,
  Named,
  OutcomeSpec,
  SegmentsSpec,
} from "./spec.js"

/**
 * Layering of configuration: a later layer wins, field by field, over an earlier one
 * (platform definitions < platform defaults < experiment-type defaults < outcomes <
 * per-experiment config). A metric's `statistics` table is one field: a later layer that
 * sets statistics for a metric replaces the earlier list, as in Jetstream.
 */

const mergeFields = <T extends object>(
  earlier: T | undefined,
  later: T | undefined,
): T | undefined =>
  earlier === undefined ? later : later === undefined ? earlier : { ...earlier, ...later }

export const mergeNamed = <T extends object>(earlier: Named<T>, later: Named<T>): Named<T> => {
  const merged: Record<string, T> = { ...earlier }
  for (const [name, value] of Object.entries(later)) {
    merged[name] = mergeFields(earlier[name], value) ?? value
  }
  return merged
}

const mergeMetrics = (earlier: MetricsSpec, later: MetricsSpec): MetricsSpec => {
  const periods: Record<string, ReadonlyArray<string>> = { ...earlier.periods }
  for (const [period, names] of Object.entries(later.periods)) {
    periods[period] = [...new Set([...(periods[period] ?? []), ...names])]
  }
  return { periods, definitions: mergeNamed(earlier.definitions, later.definitions) }
}

const mergeSegments = (earlier: SegmentsSpec, later: SegmentsSpec): SegmentsSpec => ({
  definitions: { ...earlier.definitions, ...later.definitions },
  dataSources: { ...earlier.dataSources, ...later.dataSources },
})

export const mergeDefinitions = <T extends DefinitionsSpec>(
  earlier: T,
  later: DefinitionsSpec,
): T => ({
  ...earlier,
  metrics: mergeMetrics(earlier.metrics, later.metrics),
  dataSources: mergeNamed(earlier.dataSources, later.dataSources),
  segments: mergeSegments(earlier.segments, later.segments),
  parameters: mergeNamed(earlier.parameters, later.parameters),
  dimensions: mergeNamed(earlier.dimensions, later.dimensions),
})

export const mergeAnalysisSpecs = (earlier: AnalysisSpec, later: AnalysisSpec): AnalysisSpec => ({
  ...mergeDefinitions(earlier, later),
  experiment: { ...earlier.experiment, ...later.experiment },
})

/** An outcome as a layer: its metrics are analysed in the weekly and overall periods only. */
export const outcomeLayer = (outcome: OutcomeSpec): AnalysisSpec => {
  const names = Object.keys(outcome.metrics)
  return {
    metrics: { periods: { week: names, overall: names }, definitions: outcome.metrics },
    dataSources: outcome.dataSources,
    segments: { definitions: {}, dataSources: {} },
    // An outcome's parameter values are defaults: a per-experiment config supplies the value.
    parameters: outcome.parameters,
    dimensions: {},
    experiment: {},
  }
}
