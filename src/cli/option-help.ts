import * as Options from "@effect/cli/Options"
import type { Config } from "effect"

/**
 * A flag's help is one line: what it is, then in parentheses its default and its environment
 * variable. Its first description (`Options.withDescription`) says what it is; each later one
 * is a note in the parentheses, and these helpers add the notes where the default and the
 * variable are set, so the help says what the definition does.
 */

/** Read from the environment variable `name` when the flag is not given (the flag wins). */
export const fromEnv =
  <A>(name: string, config: (name: string) => Config.Config<A>) =>
  (self: Options.Options<A>): Options.Options<A> =>
    self.pipe(Options.withFallbackConfig(config(name)), Options.withDescription(`env ${name}`))

/** The value when neither the flag nor its variable is given, shown as `shown`. */
export const withDefaultShown =
  <const B>(value: B, shown: string = String(value)) =>
  <A>(self: Options.Options<A>): Options.Options<A | B> =>
    self.pipe(Options.withDefault(value), Options.withDescription(`default ${shown}`))
