/**
 * CommonJS packages the CLI uses, bundled ahead into ES modules of `<outdir>/vendor/`, which
 * the CLI's chunks import instead of the packages (scripts/build-cli.ts).
 *
 * Why: DuckDB's JavaScript API and @stdlib's distributions are a hundred-odd CommonJS files
 * each. Imported from an ES module, Node resolves every file and runs the CommonJS lexer over
 * it for its export names: about 0.3 s and 0.2 s of CPU at `analyze-table`'s start. Bundled,
 * each is one file that parses at once.
 *
 * Why apart from the CLI's own bundle: bundled there, CommonJS brings esbuild's runtime
 * helpers, a chunk every entry imports, the help-printing entry included (which must import
 * nothing). Here each package is an entry of its own whose exports are the package's
 * `module.exports` (the default export, as Node gives it) and its properties (named exports).
 * What they require and is not bundled (DuckDB's native binding) is required from
 * node_modules through `require`, which the banner defines (an ES module has none).
 */
import { createRequire } from "node:module"
import * as Path from "node:path"
import { build, type Plugin } from "esbuild"

const require = createRequire(import.meta.url)

/** The packages bundled ahead: DuckDB's API and every @stdlib package the code imports. */
export const vendoredPackages = (): ReadonlyArray<string> => {
  const { dependencies } = require("../package.json") as {
    readonly dependencies: Readonly<Record<string, string>>
  }
  return Object.keys(dependencies).filter(
    (name) => name === "@duckdb/node-api" || name.startsWith("@stdlib/"),
  )
}

/** Where a vendored package's module is, relative to the CLI's chunks. */
export const vendoredModule = (name: string): string =>
  `./vendor/${name.replace(/^@/, "").replaceAll("/", "+")}.js`

/** An ES module re-exporting a CommonJS package: its exports whole, and each by name. */
const reExport = (name: string): string => {
  const names = Object.keys(require(name) as object).filter(
    (key) => /^[A-Za-z_$][\w$]*$/.test(key) && key !== "default",
  )
  return [
    `const exported = require(${JSON.stringify(name)})`,
    "export default exported",
    ...(names.length === 0 ? [] : [`export const { ${names.join(", ")} } = exported`]),
  ].join("\n")
}

const reExports: Plugin = {
  name: "re-exports",
  setup(build) {
    build.onResolve({ filter: /^vendored:/ }, ({ path }) => ({
      path: path.slice("vendored:".length),
      namespace: "vendored",
    }))
    build.onLoad({ filter: /.*/, namespace: "vendored" }, ({ path }) => ({
      contents: reExport(path),
      resolveDir: Path.dirname(require.resolve("../package.json")),
      loader: "js",
    }))
  },
}

/** Bundles every vendored package into `<outdir>/vendor/`; what they share, into chunks there. */
export const bundleVendored = (outdir: string) =>
  build({
    entryPoints: Object.fromEntries(
      vendoredPackages().map((name) => [
        Path.basename(vendoredModule(name), ".js"),
        `vendored:${name}`,
      ]),
    ),
    outdir: Path.join(outdir, "vendor"),
    chunkNames: "chunk-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: "none",
    external: ["@duckdb/node-bindings"],
    banner: {
      js: 'import { createRequire as __vendoredRequire } from "node:module";const require=__vendoredRequire(import.meta.url);',
    },
    logLevel: "warning",
    plugins: [reExports],
  })
