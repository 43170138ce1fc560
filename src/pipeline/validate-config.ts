import { FileSystem } from "@effect/platform/FileSystem"
import { Effect, Either, Option } from "effect"
import type { AnalysisConfiguration } from "../domain/config/analysis-configuration.js"
import {
  addToCollection,
  type ConfigCollection,
  type DecodedFile,
} from "../domain/config/collection.js"
import { type ConfigIssue, errorsOf, warningsOf } from "../domain/config/config-issue.js"
import { describeRole } from "../domain/config/file-role.js"
import { resolveAnalysisConfiguration } from "../domain/config/resolve-analysis.js"
import { experimentOfConfig, validateFile } from "../domain/config/validate.js"
import {
  ConfigRepository,
  configFilesIn,
  readConfigFile,
  whyUnreadable,
} from "../services/config-repository.js"

export interface FileReport {
  readonly file: string
  readonly role: string
  /** No errors (warnings allowed). */
  readonly ok: boolean
  /** What metric-config-parser rejects too: the file cannot be used as it is. */
  readonly errors: ReadonlyArray<ConfigIssue>
  /** What it accepts and a person should still see (an unknown key, ...); errors under --strict. */
  readonly warnings: ReadonlyArray<ConfigIssue>
  /** The platform an experiment config was resolved for, when it had to be inferred. */
  readonly platform?: string
  /** A valid experiment config resolved for its synthetic experiment (for rehearsals). */
  readonly configuration?: AnalysisConfiguration
}

/** A valid experiment config's analysis configuration, for the synthetic experiment. */
const configurationOf = (
  collection: ConfigCollection,
  decoded: DecodedFile,
  file: string,
  platform: string | undefined,
): AnalysisConfiguration | undefined => {
  if (decoded.kind !== "experiment" || platform === undefined) return undefined
  const resolved = resolveAnalysisConfiguration({
    collection: addToCollection(collection, decoded, { file }),
    experiment: experimentOfConfig(decoded, platform),
  })
  return Either.getOrUndefined(resolved)
}

/**
 * A directory stands for every configuration file in it, in metric-hub's layout; one that
 * cannot be listed is reported as such, and the other paths are checked.
 */
const expandDirectory = (
  path: string,
): Effect.Effect<ReadonlyArray<string | FileReport>, never, FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem
    const info = yield* fs.stat(path).pipe(Effect.option)
    if (Option.isNone(info) || info.value.type !== "Directory") return [path]
    return yield* configFilesIn(path).pipe(
      Effect.catchAll((error) =>
        whyUnreadable(path, error).pipe(
          Effect.map(
            (why): ReadonlyArray<FileReport> => [
              {
                file: path,
                role: "folder",
                ok: false,
                errors: [{ path: "", message: `cannot be listed: ${why}` }],
                warnings: [],
              },
            ],
          ),
        ),
      ),
    )
  })

/** One file read, decoded by its role, layered over the collection and resolved. */
const checkFile = (
  collection: ConfigCollection,
  file: string,
  options: { readonly platform?: string },
) =>
  readConfigFile(file).pipe(
    Effect.map(({ parsed }): FileReport => {
      const role = describeRole(parsed.role)
      if (parsed.decoded === undefined) {
        return { file, role, ok: false, errors: errorsOf(parsed.issues), warnings: [] }
      }
      const validation = validateFile(collection, parsed.decoded, { file }, options)
      const issues = [...parsed.issues, ...validation.issues]
      const errors = errorsOf(issues)
      const configuration =
        errors.length === 0
          ? configurationOf(
              collection,
              parsed.decoded,
              file,
              validation.platform ?? options.platform,
            )
          : undefined
      return {
        file,
        role,
        ok: errors.length === 0,
        errors,
        warnings: warningsOf(issues),
        ...(validation.platform === undefined ? {} : { platform: validation.platform }),
        ...(configuration === undefined ? {} : { configuration }),
      }
    }),
  )

/**
 * Validates configuration files against the repository's configuration: each file is
 * decoded by the role its path gives it, layered over the collection (a definitions or
 * defaults file merges onto its platform's, an outcome or experiment config replaces its
 * namesake), and resolved the way an analysis would resolve it. A file that cannot be read
 * fails with why; the others are checked.
 */
export const validateConfigFiles = (
  paths: ReadonlyArray<string>,
  options: { readonly platform?: string } = {},
): Effect.Effect<ReadonlyArray<FileReport>, never, ConfigRepository | FileSystem> =>
  Effect.gen(function* () {
    const repository = yield* ConfigRepository
    const files = (yield* Effect.forEach(paths, expandDirectory)).flat()
    return yield* Effect.forEach(files, (file) =>
      typeof file === "string"
        ? checkFile(repository.collection, file, options)
        : Effect.succeed(file),
    )
  })
