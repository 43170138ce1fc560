import * as Path from "node:path"
import type { PlatformError } from "@effect/platform/Error"
import { FileSystem } from "@effect/platform/FileSystem"
import { type Context, Effect, Either } from "effect"
import {
  decodeExperiment,
  decodeExperiments,
  type Experiment,
  ExperimentRecordError,
} from "../../domain/experiment.js"
import type { ExperimentSource } from "../experiment-source.js"
import { ExperimentSourceError } from "./error.js"

type Listing = Effect.Effect.Success<Context.Tag.Service<ExperimentSource>["list"]>

/**
 * A source whose `get` looks the slug up in the whole listing: without an index there is
 * nothing cheaper, and it lets `get` report why a known slug does not decode.
 */
export const fromListing = (
  source: string,
  list: Effect.Effect<Listing, ExperimentSourceError>,
): Context.Tag.Service<ExperimentSource> => ({
  list,
  get: (slug) =>
    Effect.flatMap(list, ({ experiments, errors }) => {
      const experiment = experiments.find((candidate) => candidate.slug === slug)
      if (experiment !== undefined) return Effect.succeed(experiment)
      const error = errors.find((candidate) => candidate.slug === slug)
      return Effect.fail(
        new ExperimentSourceError({
          source,
          message: error?.message ?? `no experiment "${slug}" in ${source}`,
        }),
      )
    }),
})

const readFailure = (path: string) => (error: PlatformError) =>
  new ExperimentSourceError({
    source: path,
    message:
      error._tag === "SystemError" && error.reason === "NotFound"
        ? `${path} does not exist`
        : `cannot read ${path}: ${error.message}`,
    cause: error,
  })

/** The file's name in front of each record's message, so a directory's errors can be traced. */
const inFile = (file: string, error: ExperimentRecordError) =>
  new ExperimentRecordError({
    ...(error.index === undefined ? {} : { index: error.index }),
    ...(error.slug === undefined ? {} : { slug: error.slug }),
    message: `${file}: ${error.message}`,
  })

/** One file: a list of v8 records (an API dump) or a single record (one experiment's page). */
const readFile = (fs: FileSystem, file: string) =>
  fs.readFileString(file).pipe(
    Effect.mapError(readFailure(file)),
    Effect.flatMap((text) =>
      Either.try({
        try: (): unknown => JSON.parse(text),
        catch: (cause) =>
          new ExperimentSourceError({
            source: file,
            message: `invalid JSON in ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
            cause,
          }),
      }),
    ),
    Effect.map((json): Listing => {
      if (Array.isArray(json)) {
        const { experiments, errors } = decodeExperiments(json)
        return { experiments, errors: errors.map((error) => inFile(file, error)) }
      }
      return Either.match(decodeExperiment(json), {
        onLeft: (error) => ({ experiments: [], errors: [inFile(file, error)] }),
        onRight: (experiment) => ({ experiments: [experiment], errors: [] }),
      })
    }),
  )

const jsonFiles = (fs: FileSystem, path: string) =>
  Effect.gen(function* () {
    const info = yield* fs.stat(path).pipe(Effect.mapError(readFailure(path)))
    if (info.type !== "Directory") return [path]
    const names = yield* fs.readDirectory(path).pipe(Effect.mapError(readFailure(path)))
    return names
      .filter((name) => name.endsWith(".json"))
      .sort()
      .map((name) => Path.join(path, name))
  })

/** Files in order; a later record with a slug already seen replaces the earlier one in place. */
const merge = (listings: ReadonlyArray<Listing>): Listing => {
  const bySlug = new Map<string, Experiment>()
  for (const { experiments } of listings) {
    for (const experiment of experiments) bySlug.set(experiment.slug, experiment)
  }
  return {
    experiments: [...bySlug.values()],
    errors: listings.flatMap(({ errors }) => errors),
  }
}

/** Re-reads on every call, so edits to the files between calls are seen. */
export const makeLocalSource = (path: string) =>
  Effect.map(FileSystem, (fs) =>
    fromListing(
      path,
      jsonFiles(fs, path).pipe(
        Effect.flatMap((files) => Effect.forEach(files, (file) => readFile(fs, file))),
        Effect.map(merge),
      ),
    ),
  )
