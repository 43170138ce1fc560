/**
 * The web address of a configuration file in its repository, for published metadata:
 * Experimenter links to the config an analysis used and requires an absolute http(s) URL.
 * Built from the repository's remote as git records it (`git@github.com:o/r.git`,
 * `ssh://git@host/o/r.git`, `https://host/o/r.git`) and a revision, in the `/blob/` form
 * GitHub, GitLab and Gitea all serve. A remote that is not a web host (a path) has none.
 */

/** `https://host/owner/repo` of a git remote, credentials dropped; undefined if it has none. */
export const webAddressOfRemote = (remote: string): string | undefined => {
  const trimmed = remote
    .trim()
    .replace(/\/+$/, "")
    .replace(/\.git$/, "")
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(.+)$/.exec(trimmed)
  if (scp !== null) return `https://${scp[1]}/${scp[2]}`
  let url: URL
  try {
    url = new URL(trimmed)
  } catch {
    return undefined
  }
  if (!["https:", "http:", "ssh:", "git:"].includes(url.protocol)) return undefined
  if (url.hostname === "" || url.pathname.length <= 1) return undefined
  return `https://${url.hostname}${url.pathname}`
}

/** The file's address under `base` (a tree's web root such as `https://github.com/o/r/blob/main`). */
export const fileAddress = (base: string, relativePath: string): string =>
  `${base.replace(/\/+$/, "")}/${relativePath
    .split(/[\\/]+/)
    .filter((part) => part !== "")
    .map(encodeURIComponent)
    .join("/")}`

/** Whether `text` is an absolute http(s) URL, as Experimenter's reader (pydantic HttpUrl) needs. */
export const isHttpUrl = (text: string): boolean => {
  try {
    const url = new URL(text)
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== ""
  } catch {
    return false
  }
}
