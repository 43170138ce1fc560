/**
 * Bundles the CLI, after `tsc` has compiled src/ to dist/: `npm run build` runs both.
 *
 * Why: loaded file by file from node_modules, Effect and @effect/cli take over a second to
 * import, most of it resolving and compiling hundreds of small modules. Bundled and
 * tree-shaken they load in a fraction of that. The entry (dist/cli/main.js, what `bin` and
 * `npm start` run) holds the text of every help and nothing else; the CLI, with the
 * commands' definitions, is a chunk it imports for any other invocation; each command's
 * handler (src/cli/handled-by.ts) is a chunk of its own, loaded when that command runs.
 *
 * What stays outside the bundle: every package but Effect and its own dependencies. DuckDB's
 * JavaScript API and @stdlib's distributions are bundled ahead, each into a module of
 * dist/cli/vendor/ the chunks import (scripts/bundle-vendored.ts); the rest (DuckDB's native
 * binding, the Google clients, ...) load as they are, from node_modules, when a chunk that
 * needs them is loaded. Effect is bundled whole or not at all: two copies of it in one process
 * (one bundled, one from node_modules) would not share their fibers' context.
 *
 * The library (dist/index.js) and the statistics worker stay tsc's unbundled output.
 */
import { execFile } from "node:child_process"
import { readdirSync, readFileSync, rmSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { availableParallelism } from "node:os"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as Command from "@effect/cli/Command"
import * as HashMap from "effect/HashMap"
import { build, type Plugin } from "esbuild"
import { invocationKey } from "../src/cli/prerendered.js"
import { slipstream } from "../src/cli/slipstream.js"
import { bundleVendored, vendoredModule, vendoredPackages } from "./bundle-vendored.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const source = Path.join(root, "src")
const dist = Path.join(root, "dist")

/** Packages bundled with the CLI; every other bare import stays an import of node_modules. */
const bundled = /^(effect|@effect\/[^/]+|fast-check|pure-rand)(\/|$)/

const onlyEffectBundled = (vendored: ReadonlySet<string>): Plugin => ({
  name: "only-effect-bundled",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, ({ path }) =>
      bundled.test(path)
        ? undefined
        : { path: vendored.has(path) ? vendoredModule(path) : path, external: true },
    )
  },
})

/** The modules of Effect's barrel (`import { Effect } from "effect"`), by exported name. */
const barrelModules = (): ReadonlyMap<string, string> => {
  const barrel = readFileSync(Path.join(root, "node_modules/effect/dist/esm/index.js"), "utf8")
  const modules = new Map<string, string>()
  for (const [, name = "", file = ""] of barrel.matchAll(
    /export \* as (\w+) from "\.\/(\w+)\.js"/g,
  )) {
    modules.set(name, `effect/${file}`)
  }
  return modules
}

/**
 * `import { Effect, pipe, type Option } from "effect"` as imports of the modules themselves:
 * `import * as Effect from "effect/Effect"`, `import { pipe } from "effect/Function"`, ...,
 * the same bindings. Through the barrel each name is a namespace object that keeps every
 * function of its module in the bundle; imported from its module, only the functions used
 * are kept. A module of Effect that two chunks share goes to a chunk of its own, with all
 * that either uses of it: the smaller, the sooner the CLI reads its command line.
 */
const withoutEffectBarrel = (text: string, modules: ReadonlyMap<string, string>): string =>
  text.replace(/^import \{([^}]*)\} from "effect"\n/gm, (_statement, names: string) =>
    names
      .split(",")
      .map((specifier) => specifier.trim())
      .filter((specifier) => specifier !== "")
      .map((specifier) => {
        const [, typeOnly = "", name = "", alias = name] =
          specifier.match(/^(type\s+)?(\w+)(?:\s+as\s+(\w+))?$/) ?? []
        const module = modules.get(name)
        return module === undefined
          ? `import ${typeOnly}{ ${name} as ${alias} } from "effect/Function"\n`
          : `import ${typeOnly}* as ${alias} from "${module}"\n`
      })
      .join(""),
  )

/**
 * `import.meta.url` names the module's own file: src/services/config-repository.ts finds the
 * bundled config at ../../config from it, the summary computer its worker script beside it,
 * the SQL analyser its package from it. In a chunk it would name the chunk instead, so each
 * use becomes the address of the module's compiled file in dist/, relative to the chunk
 * (every chunk is written to `outdir`, next to the entry).
 */
const withCompiledFileUrl = (text: string, file: string, outdir: string): string => {
  if (!text.includes("import.meta.url")) return text
  const compiled = Path.join(dist, Path.relative(source, file)).replace(/\.ts$/, ".js")
  const relative = Path.relative(outdir, compiled).split(Path.sep).join("/")
  return text.replaceAll(
    "import.meta.url",
    `new URL(${JSON.stringify(relative)}, import.meta.url).href`,
  )
}

/** The line of src/cli/prerendered.ts the build fills in. */
const emptyTexts = "const prerendered: Readonly<Record<string, string>> = {}"
const prerenderedModule = Path.join(source, "cli", "prerendered.ts")

const withTexts = (text: string, texts: Readonly<Record<string, string>>): string => {
  if (!text.includes(emptyTexts)) throw new Error(`${prerenderedModule}: no \`${emptyTexts}\``)
  return text.replace(
    emptyTexts,
    `const prerendered: Readonly<Record<string, string>> = ${JSON.stringify(texts)}`,
  )
}

const sourceRewrites = (outdir: string, texts: Readonly<Record<string, string>>): Plugin => ({
  name: "source-rewrites",
  setup(build) {
    const modules = barrelModules()
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      if (!path.startsWith(source + Path.sep)) return undefined
      const text = withCompiledFileUrl(
        withoutEffectBarrel(await readFile(path, "utf8"), modules),
        path,
        outdir,
      )
      return { contents: path === prerenderedModule ? withTexts(text, texts) : text, loader: "ts" }
    })
  },
})

const bundle = async (outdir: string, texts: Readonly<Record<string, string>>) => {
  // Chunks of an earlier build: their names change with their content.
  for (const file of readdirSync(outdir)) {
    if (file.startsWith("chunk-")) rmSync(Path.join(outdir, file))
  }
  rmSync(Path.join(outdir, "vendor"), { recursive: true, force: true })
  await bundleVendored(outdir)
  return build({
    entryPoints: { main: Path.join(source, "cli", "main.ts") },
    outdir,
    chunkNames: "chunk-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // Smaller code parses faster; names are kept, so stack traces still read.
    minifySyntax: true,
    minifyWhitespace: true,
    sourcemap: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
    plugins: [onlyEffectBundled(new Set(vendoredPackages())), sourceRewrites(outdir, texts)],
  })
}

/** The invocations whose text is rendered: each prints and does nothing else. */
export const printingInvocations = (): ReadonlyArray<ReadonlyArray<string>> => [
  [],
  ["--help"],
  ["-h"],
  ["--version"],
  ...[...HashMap.keys(Command.getSubcommands(slipstream))].flatMap((command) => [
    [command, "--help"],
    [command, "-h"],
  ]),
]

/** What `node entry ...args` prints: stdout, when it printed nothing else and exited 0. */
const printed = (entry: string, args: ReadonlyArray<string>) =>
  new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [entry, ...args], { encoding: "utf8" }, (error, stdout, stderr) =>
      error === null && stderr === ""
        ? resolve(stdout)
        : reject(new Error(`slipstream ${args.join(" ")}: ${error?.message ?? ""} ${stderr}`)),
    ),
  )

/**
 * Bundles the CLI into `outdir` twice: without texts, then with the texts of every printing
 * invocation as that first bundle prints them.
 */
export const buildCli = async (outdir: string) => {
  await bundle(outdir, {})
  const entry = Path.join(outdir, "main.js")
  const invocations = printingInvocations()
  const texts: Record<string, string> = {}
  // A few at a time, one per core: each is a Node process loading the CLI.
  for (let start = 0; start < invocations.length; start += availableParallelism()) {
    const batch = invocations.slice(start, start + availableParallelism())
    const outputs = await Promise.all(batch.map((args) => printed(entry, args)))
    batch.forEach((args, index) => {
      texts[invocationKey(args)] = outputs[index] ?? ""
    })
  }
  const result = await bundle(outdir, texts)
  return { invocations, texts, metafile: result.metafile }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { invocations, metafile } = await buildCli(Path.join(dist, "cli"))
  const chunks = Object.keys(metafile.outputs).filter((file) => /chunk-\w+\.js$/.test(file))
  console.log(
    `dist/cli/main.js: ${invocations.length} help texts; the CLI and its commands in ${chunks.length} chunks`,
  )
}
