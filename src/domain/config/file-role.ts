import * as Path from "node:path"

/**
 * What a metric-hub file is, read from its path as metric-hub and Jetstream do:
 * `definitions/functions.toml`, `definitions/<platform>.toml`, `defaults/<name>.toml`,
 * `outcomes/<platform>/<slug>.toml`, anything else `<experiment-slug>.toml`.
 */
export type FileRole =
  | { readonly kind: "functions" }
  | { readonly kind: "definitions"; readonly platform: string }
  | { readonly kind: "defaults"; readonly name: string }
  | { readonly kind: "outcome"; readonly platform: string; readonly slug: string }
  | { readonly kind: "experiment"; readonly slug: string }

export const fileRoleOf = (file: string): FileRole => {
  const stem = Path.basename(file, Path.extname(file))
  const parent = Path.basename(Path.dirname(file))
  const grandparent = Path.basename(Path.dirname(Path.dirname(file)))
  if (grandparent === "outcomes") return { kind: "outcome", platform: parent, slug: stem }
  if (parent === "defaults") return { kind: "defaults", name: stem }
  if (parent === "definitions") {
    return stem === "functions" ? { kind: "functions" } : { kind: "definitions", platform: stem }
  }
  return { kind: "experiment", slug: stem }
}

export const describeRole = (role: FileRole): string => {
  switch (role.kind) {
    case "functions":
      return "functions"
    case "definitions":
      return `definitions (${role.platform})`
    case "defaults":
      return `defaults (${role.name})`
    case "outcome":
      return `outcome (${role.platform}/${role.slug})`
    case "experiment":
      return `experiment config (${role.slug})`
  }
}
