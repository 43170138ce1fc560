import { Data, Either } from "effect"

/**
 * An object could not be written, read or listed: a refused path, a file system error, an
 * API error. Kept apart from the Tag so the backends can fail with it without importing the
 * module that imports them; the path rules live here too, since every backend checks a path
 * before it touches anything and a refused path is this error.
 */
export class ObjectStoreError extends Data.TaggedError("ObjectStoreError")<{
  /** The object path (or, for a listing, the prefix) as the caller gave it. */
  readonly path: string
  readonly message: string
  /** What was thrown underneath, for whoever debugs (Error's own `cause`). */
  readonly cause?: unknown
}> {}

const refused = (path: string, reason: string) =>
  new ObjectStoreError({ path, message: `invalid object path ${JSON.stringify(path)}: ${reason}` })

const isControl = (character: string): boolean => {
  const code = character.charCodeAt(0)
  return code < 0x20 || code === 0x7f
}

/**
 * Why a path may not name an object, if it may not. Paths are relative and slash-separated;
 * a segment that is empty, "." or ".." would let a file path escape the root (or make two
 * names for one file), and a backslash is a separator on Windows. Control characters are
 * refused with NUL: GCS forbids CR and LF in names, and none belongs in a report's name.
 */
const problem = (segments: ReadonlyArray<string>, path: string): string | undefined => {
  if (path.startsWith("/")) return "it is absolute"
  if (path.includes("\\")) return "it contains a backslash"
  if ([...path].some(isControl)) return "it contains a control character (such as NUL)"
  for (const segment of segments) {
    if (segment === "") return "it has an empty segment"
    if (segment === "." || segment === "..") return `it has a "${segment}" segment`
  }
  return undefined
}

/** The segments of a valid object path, or the error that refuses it. */
export const objectPath = (
  path: string,
): Either.Either<ReadonlyArray<string>, ObjectStoreError> => {
  if (path === "") return Either.left(refused(path, "it is empty"))
  const segments = path.split("/")
  const reason = problem(segments, path)
  return reason === undefined ? Either.right(segments) : Either.left(refused(path, reason))
}

/**
 * The folder segments of a listing prefix (everything before its last slash), which must be
 * a valid path or nothing; the rest is matched as text, so "statistics/statistics_my"
 * lists "statistics/statistics_my_exp_weekly.json".
 */
export const prefixFolder = (
  prefix: string,
): Either.Either<ReadonlyArray<string>, ObjectStoreError> => {
  const slash = prefix.lastIndexOf("/")
  const folder = slash === -1 ? "" : prefix.slice(0, slash)
  const segments = folder === "" ? [] : folder.split("/")
  const reason = problem(segments, prefix)
  return reason === undefined
    ? Either.right(segments)
    : Either.left(
        new ObjectStoreError({
          path: prefix,
          message: `invalid prefix ${JSON.stringify(prefix)}: ${reason}`,
        }),
      )
}
