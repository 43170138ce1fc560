import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import type { PlatformError } from "@effect/platform/Error"
import { FileSystem } from "@effect/platform/FileSystem"
import { Context, Effect, Layer } from "effect"
import {
  addToCollection,
  type ConfigCollection,
  emptyCollection,
} from "../domain/config/collection.js"
import type { ConfigIssue } from "../domain/config/config-issue.js"
import { type ParsedConfigFile, parseConfigFile } from "../domain/config/parse-file.js"
import { addressUnder, gitWebRoot, type WebRoot } from "./config-repository/web-root.js"

/** The configuration shipped with Slipstream (metric-hub layout), beside src/ and dist/. */
export const bundledConfigDirectory = fileURLToPath(new URL("../../config", import.meta.url))

export interface LoadedConfigFile {
  readonly file: string
  readonly parsed: ParsedConfigFile
  /** Its web address (http(s)), when its repository has one. */
  readonly url?: string
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
        : addToCollection(collection, parsed.decoded, url === undefined ? { file } : { file, url }),
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

export const readConfigFile = (file: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem
    const text = yield* fs.readFileString(file)
    return { file, parsed: parseConfigFile(file, text) } satisfies LoadedConfigFile
  })

/**
 * Reads a configuration directory in metric-hub's layout. In a metric-hub checkout
 * (a `jetstream/` folder beside `definitions/`) both definition folders count, and the
 * experiment configs are `jetstream/*.toml`; elsewhere the directory itself is the root.
 */
export const loadConfigDirectory = (
  directory: string,
): Effect.Effect<ReadonlyArray<LoadedConfigFile>, PlatformError, FileSystem> =>
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
    const paths = groups.flat(2)
    return yield* Effect.forEach(paths, readConfigFile)
  })
