/**
 * What the CLI prints for the invocations that only print text — `--help` and `-h` of
 * `slipstream` and of each command, `slipstream` alone, `--version` — keyed by their
 * arguments. The build renders them by running the bundled CLI itself (scripts/build-cli.ts)
 * and writes them here, in the bundle; in the source tree there are none, and every
 * invocation runs the CLI. test/cli/startup.test.ts checks the texts are what it prints.
 */
const prerendered: Readonly<Record<string, string>> = {}

/** The key of an invocation: its arguments, which contain no NUL. */
export const invocationKey = (args: ReadonlyArray<string>): string => args.join("\0")

/** The text these exact arguments print, when the build rendered it. */
export const prerenderedOutput = (
  args: ReadonlyArray<string>,
  texts: Readonly<Record<string, string>> = prerendered,
): string | undefined => {
  const key = invocationKey(args)
  return Object.hasOwn(texts, key) ? texts[key] : undefined
}
