import type { ConfigIssue } from "./config-issue.js"
import type { FileRole } from "./file-role.js"
import { mergeAnalysisSpecs, mergeDefinitions, mergeNamed } from "./merge.js"
import {
  type AnalysisSpec,
  type DefinitionsSpec,
  emptyDefinitions,
  type FunctionsSpec,
  type OutcomeSpec,
} from "./spec.js"

/** Where a piece of configuration came from, for error messages and published metadata. */
export interface ConfigOrigin {
  readonly file: string
  /** A browsable address of the file, when it came from a repository that has one. */
  readonly url?: string
}

export interface LoadedOutcome {
  readonly slug: string
  readonly platform: string
  readonly spec: OutcomeSpec
  readonly origin: ConfigOrigin
  /** The warnings of its file, each with the file: an analysis using it records them. */
  readonly warnings?: ReadonlyArray<ConfigIssue>
}

export interface LoadedAnalysisSpec {
  readonly name: string
  readonly spec: AnalysisSpec
  readonly origin: ConfigOrigin
  /** The warnings of its file(s), each with the file: an analysis using it records them. */
  readonly warnings?: ReadonlyArray<ConfigIssue>
}

/**
 * Every configuration file known to a run, decoded. Files added later win over earlier
 * ones (a later `--config-repo` over the bundled config).
 */
export interface ConfigCollection {
  readonly definitions: ReadonlyMap<string, DefinitionsSpec>
  readonly functions: FunctionsSpec
  readonly defaults: ReadonlyMap<string, LoadedAnalysisSpec>
  readonly outcomes: ReadonlyMap<string, LoadedOutcome>
  readonly experiments: ReadonlyMap<string, LoadedAnalysisSpec>
}

export const emptyCollection: ConfigCollection = {
  definitions: new Map(),
  functions: {},
  defaults: new Map(),
  outcomes: new Map(),
  experiments: new Map(),
}

const outcomeKey = (platform: string, slug: string): string => `${platform}/${slug}`

/** A decoded file, tagged by its role so that its spec has the matching type. */
export type DecodedFile =
  | (Extract<FileRole, { kind: "definitions" }> & { readonly spec: DefinitionsSpec })
  | (Extract<FileRole, { kind: "functions" }> & { readonly spec: FunctionsSpec })
  | (Extract<FileRole, { kind: "defaults" }> & { readonly spec: AnalysisSpec })
  | (Extract<FileRole, { kind: "outcome" }> & { readonly spec: OutcomeSpec })
  | (Extract<FileRole, { kind: "experiment" }> & { readonly spec: AnalysisSpec })

const withEntry = <K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> =>
  new Map(map).set(key, value)

export const addToCollection = (
  collection: ConfigCollection,
  file: DecodedFile,
  origin: ConfigOrigin,
  fileWarnings: ReadonlyArray<ConfigIssue> = [],
): ConfigCollection => {
  const warnings = fileWarnings.map((entry) => ({ ...entry, file: origin.file }))
  switch (file.kind) {
    case "definitions": {
      const platform = file.platform
      const earlier = collection.definitions.get(platform) ?? emptyDefinitions
      return {
        ...collection,
        definitions: withEntry(
          collection.definitions,
          platform,
          mergeDefinitions(earlier, file.spec),
        ),
      }
    }
    case "functions":
      return { ...collection, functions: mergeNamed(collection.functions, file.spec) }
    case "defaults": {
      const name = file.name
      const earlier = collection.defaults.get(name)
      const spec = earlier === undefined ? file.spec : mergeAnalysisSpecs(earlier.spec, file.spec)
      const merged = [...(earlier?.warnings ?? []), ...warnings]
      return {
        ...collection,
        defaults: withEntry(collection.defaults, name, { name, spec, origin, warnings: merged }),
      }
    }
    case "outcome": {
      const { platform, slug } = file
      const loaded: LoadedOutcome = { slug, platform, spec: file.spec, origin, warnings }
      return {
        ...collection,
        outcomes: withEntry(collection.outcomes, outcomeKey(platform, slug), loaded),
      }
    }
    case "experiment": {
      const slug = file.slug
      return {
        ...collection,
        experiments: withEntry(collection.experiments, slug, {
          name: slug,
          spec: file.spec,
          origin,
          warnings,
        }),
      }
    }
  }
}

export const findOutcome = (
  collection: ConfigCollection,
  platform: string,
  slug: string,
): LoadedOutcome | undefined => collection.outcomes.get(outcomeKey(platform, slug))
