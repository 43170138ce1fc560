import * as Path from "node:path"
import { FileSystem } from "@effect/platform/FileSystem"
import { Effect, Option } from "effect"
import { fileAddress, webAddressOfRemote } from "../../domain/config/browsable-url.js"

/**
 * Where a configuration checkout's files can be browsed: its git remote (`origin`, else the
 * first) at the checked-out commit, read from the files git keeps (no git binary needed in
 * the container). Anything missing or unreadable means no address, never a failure.
 */
export interface WebRoot {
  /** The checkout's top folder; file addresses are relative to it. */
  readonly root: string
  /** `https://github.com/mozilla/metric-hub/blob/<commit>` */
  readonly base: string
}

const readText = (path: string) =>
  Effect.flatMap(FileSystem, (fs) => fs.readFileString(path)).pipe(Effect.option)

/** The folder holding `.git`, at or above `directory`, and git's own folder for it. */
const findGitDirectory = (directory: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem
    for (let current = Path.resolve(directory); ; current = Path.dirname(current)) {
      const dotGit = Path.join(current, ".git")
      const info = yield* fs.stat(dotGit).pipe(Effect.option)
      if (Option.isSome(info)) {
        if (info.value.type === "Directory") return Option.some({ root: current, gitDir: dotGit })
        // A worktree or submodule: `.git` is a file naming the real folder.
        const pointer = /^gitdir:\s*(.+)$/m.exec(
          Option.getOrElse(yield* readText(dotGit), () => ""),
        )
        return pointer?.[1] === undefined
          ? Option.none()
          : Option.some({ root: current, gitDir: Path.resolve(current, pointer[1].trim()) })
      }
      if (Path.dirname(current) === current) return Option.none()
    }
  })

/** `url` of `[remote "origin"]`, else of the first remote. */
const remoteUrl = (config: string): string | undefined => {
  const remotes = [...config.matchAll(/\[remote "([^"]+)"\]([^[]*)/g)].flatMap(([, name, body]) => {
    const url = /^\s*url\s*=\s*(.+)$/m.exec(body ?? "")?.[1]?.trim()
    return url === undefined ? [] : [{ name, url }]
  })
  return (remotes.find(({ name }) => name === "origin") ?? remotes[0])?.url
}

/** The commit HEAD points at (through a branch, loose or packed), else the branch's name. */
const headRevision = (gitDir: string, commonDir: string) =>
  Effect.gen(function* () {
    const head = Option.getOrUndefined(yield* readText(Path.join(gitDir, "HEAD")))?.trim()
    if (head === undefined) return undefined
    const ref = /^ref:\s*(.+)$/.exec(head)?.[1]
    if (ref === undefined) return /^[0-9a-f]{40,64}$/.test(head) ? head : undefined
    for (const folder of [gitDir, commonDir]) {
      const loose = Option.getOrUndefined(yield* readText(Path.join(folder, ref)))?.trim()
      if (loose !== undefined && /^[0-9a-f]{40,64}$/.test(loose)) return loose
    }
    const packed = Option.getOrElse(yield* readText(Path.join(commonDir, "packed-refs")), () => "")
    const line = packed.split("\n").find((entry) => entry.trim().endsWith(` ${ref}`))
    return line?.split(" ")[0] ?? ref.replace(/^refs\/heads\//, "")
  })

export const gitWebRoot = (
  directory: string,
): Effect.Effect<WebRoot | undefined, never, FileSystem> =>
  Effect.gen(function* () {
    const found = yield* findGitDirectory(directory)
    if (Option.isNone(found)) return undefined
    const { root, gitDir } = found.value
    const common = Option.getOrUndefined(yield* readText(Path.join(gitDir, "commondir")))?.trim()
    const commonDir = common === undefined ? gitDir : Path.resolve(gitDir, common)
    const config = Option.getOrElse(yield* readText(Path.join(commonDir, "config")), () => "")
    const remote = remoteUrl(config)
    const web = remote === undefined ? undefined : webAddressOfRemote(remote)
    const revision = yield* headRevision(gitDir, commonDir)
    if (web === undefined || revision === undefined) return undefined
    return { root, base: `${web}/blob/${revision}` }
  })

/** The web address of `file` under a web root, when the file is inside its checkout. */
export const addressUnder = (webRoot: WebRoot | undefined, file: string): string | undefined => {
  if (webRoot === undefined) return undefined
  const relative = Path.relative(webRoot.root, Path.resolve(file))
  if (relative.startsWith("..") || Path.isAbsolute(relative)) return undefined
  return fileAddress(webRoot.base, relative)
}
