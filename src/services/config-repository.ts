import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import type { PlatformError } from "@effect/platform/Error"
import { FileSystem } from "@effect/platform/FileSystem"
import { Context, Effect, Layer, Option } from "effect"
import {
  addToCollection,
  type ConfigCollection,
  emptyCollection,
} from "../domain/config/collection.js"
import { type ConfigIssue, issue, warningsOf } from "../domain/config/config-issue.js"
import { fileRoleOf } from "../domain/config/file-role.js"
import { type ParsedConfigFile, parseConfigFile } from "../domain/config/parse-file.js"
import { addressUnder, gitWebRoot, type WebRoot } from "./config-repository/web-root.js"

/** The configuration shipped with Slipstream (metric-hub layout), beside src/ and dist/. */
export const bundledConfigDirectory = fileURLToPath(new URL("../../config", import.meta.url))

export interface LoadedConfigFile {
  readonly file: string
  readonly parsed: ParsedConfigFile
  /** Its web address (http(s)), when its repository has one. */
  readonly url?: string
  /**
   * Why the file could not be read (`cannot be read: permission denied`), when it could not:
   * then `parsed` holds that as its one issue and nothing decoded.
   */
  readonly unreadable?: string
}

export interface ConfigRepositoryOptions {
  readonly includeBundled?: boolean
  /**
   * Web addresses of the configuration repositories' top folders
   * (`https://github.com/mozilla/metric-hub/blob/main`): for one checkout (`directory`), or
   * for all (no `directory`). A checkout without one uses its git remote and checked-out
   * commit when they make one.
   */
  readonly urlBases?: ReadonlyArray<ConfigUrlBase>
}

export interface ConfigUrlBase {
  readonly directory?: string
  readonly base: string
}

/** The web root a checkout's files are published under, if any. */
const webRootOf = (directory: string, bases: ReadonlyArray<ConfigUrlBase>) => {
  const own =
    bases.find(
      (entry) =>
        entry.directory !== undefined && Path.resolve(entry.directory) === Path.resolve(directory),
    ) ?? bases.find((entry) => entry.directory === undefined)
  return own === undefined
    ? gitWebRoot(directory)
    : Effect.succeed<WebRoot>({ root: directory, base: own.base })
}

/**
 * Every configuration file known to a run: the bundled config/ and any number of
 * metric-hub checkouts, later ones taking precedence. Files that do not decode cleanly
 * still contribute their valid parts; their issues are kept in `problems`.
 */
export class ConfigRepository extends Context.Tag("slipstream/ConfigRepository")<
  ConfigRepository,
  {
    readonly collection: ConfigCollection
    readonly files: ReadonlyArray<LoadedConfigFile>
    readonly problems: ReadonlyArray<{
      readonly file: string
      readonly issues: ReadonlyArray<ConfigIssue>
    }>
  }
>() {
  /** The bundled config followed by `directories`, in order. */
  static readonly fromDirectories = (
    directories: ReadonlyArray<string>,
    options: ConfigRepositoryOptions = {},
  ): Layer.Layer<ConfigRepository, PlatformError, FileSystem> =>
    Layer.effect(
      ConfigRepository,
      Effect.gen(function* () {
        // The bundled config is part of Slipstream, not a configuration repository: no address.
        const bundled =
          options.includeBundled === false ? [] : yield* loadConfigDirectory(bundledConfigDirectory)
        const repositories = yield* Effect.forEach(directories, (directory) =>
          Effect.gen(function* () {
            const webRoot = yield* webRootOf(directory, options.urlBases ?? [])
            const loaded = yield* loadConfigDirectory(directory)
            return loaded.map((file) => {
              const url = addressUnder(webRoot, file.file)
              return url === undefined ? file : { ...file, url }
            })
          }),
        )
        const files = [...bundled, ...repositories.flat()]
        return {
          collection: collectionOf(files),
          files,
          problems: files
            .filter(({ parsed }) => parsed.issues.length > 0)
            .map(({ file, parsed }) => ({ file, issues: parsed.issues })),
        }
      }),
    )
}

export const collectionOf = (files: ReadonlyArray<LoadedConfigFile>): ConfigCollection =>
  files.reduce(
    (collection, { file, parsed, url }) =>
      parsed.decoded === undefined
        ? collection
        : addToCollection(
            collection,
            parsed.decoded,
            url === undefined ? { file } : { file, url },
            warningsOf(parsed.issues),
          ),
    emptyCollection,
  )

const tomlFilesIn = (directory: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem
    if (!(yield* fs.exists(directory))) return []
    const names = yield* fs.readDirectory(directory)
    return names
      .filter((name) => name.endsWith(".toml"))
      .sort()
      .map((name) => Path.join(directory, name))
  })

/** "TimedOut" → "timed out". */
const wordsOf = (reason: string): string =>
  reason.replace(/(?<=[a-z])(?=[A-Z])/g, " ").toLowerCase()

/**
 * Why a file could not be read, in words: `permission denied`, `a symbolic link to
 * /x/y.toml, which does not exist`, `it is a folder`, ...
 */
export const whyUnreadable = (file: string, error: PlatformError) =>
  Effect.gen(function* () {
    if (error._tag === "BadArgument") return error.description ?? error.message
    switch (error.reason) {
      case "PermissionDenied":
        return "permission denied"
      case "NotFound": {
        const target = yield* (yield* FileSystem).readLink(file).pipe(Effect.option)
        return Option.match(target, {
          onNone: () => "no such file",
          onSome: (to) => `a symbolic link to ${to}, which does not exist`,
        })
      }
      case "BadResource":
        return error.cause instanceof Error &&
          "code" in error.cause &&
          error.cause.code === "EISDIR"
          ? "it is a folder"
          : wordsOf(error.reason)
      default:
        return wordsOf(error.reason)
    }
  })

/**
 * Reads and decodes one configuration file. A file that cannot be read (no permission, a
 * dangling symbolic link, a folder) is not a failure of the whole configuration: it comes
 * back as a file with that one issue, for the caller to report with its name.
 */
export const readConfigFile = (file: string): Effect.Effect<LoadedConfigFile, never, FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem
    return yield* fs.readFileString(file).pipe(
      Effect.map((text): LoadedConfigFile => ({ file, parsed: parseConfigFile(file, text) })),
      Effect.catchAll((error) =>
        whyUnreadable(file, error).pipe(
          Effect.map((why): LoadedConfigFile => {
            const unreadable = `cannot be read: ${why}`
            return {
              file,
              parsed: { role: fileRoleOf(file), issues: [issue("", unreadable)] },
              unreadable,
            }
          }),
        ),
      ),
    )
  })

/**
 * Experiment configs whose file could not be read, by experiment slug. The last file of a
 * slug decides, as in the collection: a later repository's readable config wins over an
 * earlier unreadable one, and an unreadable one hides an earlier readable one (analysing the
 * experiment with a configuration it no longer has would be a silent change).
 */
export const unreadableExperimentConfigs = (
  files: ReadonlyArray<LoadedConfigFile>,
): ReadonlyMap<string, { readonly file: string; readonly reason: string }> => {
  const last = new Map<string, LoadedConfigFile>()
  for (const file of files) {
    const role = file.parsed.role
    if (role.kind === "experiment") last.set(role.slug, file)
  }
  return new Map(
    [...last].flatMap(([slug, { file, unreadable }]) =>
      unreadable === undefined ? [] : [[slug, { file, reason: unreadable }] as const],
    ),
  )
}

/**
 * The configuration files of a directory in metric-hub's layout, not read. In a metric-hub
 * checkout (a `jetstream/` folder beside `definitions/`) both definition folders count, and
 * the experiment configs are `jetstream/*.toml`; elsewhere the directory itself is the root.
 */
export const configFilesIn = (
  directory: string,
): Effect.Effect<ReadonlyArray<string>, PlatformError, FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem
    const jetstream = Path.join(directory, "jetstream")
    const isMetricHub = yield* fs.exists(jetstream)
    const root = isMetricHub ? jetstream : directory
    const outcomesRoot = Path.join(root, "outcomes")
    const outcomePlatforms = (yield* fs.exists(outcomesRoot))
      ? (yield* fs.readDirectory(outcomesRoot)).sort()
      : []
    const groups = yield* Effect.all([
      tomlFilesIn(Path.join(directory, "definitions")),
      isMetricHub ? tomlFilesIn(Path.join(jetstream, "definitions")) : Effect.succeed([]),
      tomlFilesIn(Path.join(root, "defaults")),
      Effect.forEach(outcomePlatforms, (platform) =>
        tomlFilesIn(Path.join(outcomesRoot, platform)),
      ),
      tomlFilesIn(root),
    ])
    return groups.flat(2)
  })

/**
 * Reads a configuration directory in metric-hub's layout (`configFilesIn`). A file that
 * cannot be read is among the files, with why (`unreadable`); a folder that cannot be
 * listed fails the whole.
 */
export const loadConfigDirectory = (
  directory: string,
): Effect.Effect<ReadonlyArray<LoadedConfigFile>, PlatformError, FileSystem> =>
  configFilesIn(directory).pipe(Effect.flatMap((paths) => Effect.forEach(paths, readConfigFile)))
