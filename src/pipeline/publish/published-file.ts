import { Data, Effect, Either, Option, ParseResult, Schema } from "effect"
import { ObjectStore, type ObjectStoreError } from "../../services/object-store.js"

/** A file Slipstream published earlier and reads back holds something it did not write. */
export class PublishedFileError extends Data.TaggedError("PublishedFileError")<{
  /** The file's full address (a path on disk, or gs://...). */
  readonly file: string
  readonly message: string
}> {}

/**
 * A decoding failure in one line: where in the file, and what. A value a union refuses fails
 * each member; the first member's words are enough to find it.
 */
const whatIsWrong = (error: ParseResult.ParseError): string => {
  const byPlace = new Map<string, string>()
  for (const { path, message } of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const place = path.join(".")
    if (!byPlace.has(place)) byPlace.set(place, place === "" ? message : `at ${place}: ${message}`)
  }
  return [...byPlace.values()].join("; ")
}

/**
 * The JSON at `path`, decoded with `schema`; none when there is no such file. A file that is
 * not JSON or not what `schema` says fails with a PublishedFileError naming it: it was
 * written whole by Slipstream, so such a file was edited or damaged by someone else, and
 * publishing over it would hide that.
 */
export const readPublishedJson = <A, I>(
  path: string,
  schema: Schema.Schema<A, I>,
  kind: string,
): Effect.Effect<Option.Option<A>, ObjectStoreError | PublishedFileError, ObjectStore> =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const content = yield* store.read(path)
    if (Option.isNone(content)) return Option.none()
    const decoded = Schema.decodeUnknownEither(Schema.parseJson(schema))(content.value)
    if (Either.isRight(decoded)) return Option.some(decoded.right)
    const file = store.addressOf(path)
    return yield* new PublishedFileError({
      file,
      message: `${file} is not ${kind} (${whatIsWrong(decoded.left)}); remove it and publish again`,
    })
  })
