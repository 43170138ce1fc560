import type { AnalysisUnit } from "./analysis-configuration.js"
import { type ConfigIssue, didYouMean, issue, keyPath } from "./config-issue.js"
import type { Render } from "./render-text.js"
import type { DefinitionsSpec } from "./spec.js"

export interface ResolverOptions {
  /** The application resolved for: metric-config-parser's default analysis units depend on it. */
  readonly appName?: string
  /**
   * Whether a metric reached through `depends_on` has statistics of its own, as
   * metric-config-parser looks them up (upstream-statistics.ts); unchecked when absent.
   */
  readonly hasOwnStatistics?: (metric: string) => boolean
}

/** What each step of resolving reads, and where it reports problems. */
export interface Resolution {
  readonly spec: DefinitionsSpec
  readonly issues: ConfigIssue[]
  readonly options: ResolverOptions
  readonly render: Render
}

const allUnits: ReadonlyArray<AnalysisUnit> = ["client_id", "profile_group_id"]

/** metric-config-parser's default analysis units of a metric or data source. */
export const defaultUnits = (appName: string | undefined): ReadonlyArray<AnalysisUnit> =>
  appName === "firefox_desktop" ? allUnits : ["client_id"]

/** Reports a name that no definition has, with the nearest known one. */
export const reportUnknown = (
  issues: ConfigIssue[],
  kind: string,
  name: string,
  known: Iterable<string>,
  path: ReadonlyArray<string>,
): void => {
  issues.push(issue(keyPath(...path), `unknown ${kind} "${name}"${didYouMean(name, known)}`))
}
