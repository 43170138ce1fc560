import type { Experiment } from "../experiment.js"
import type { ExperimentSchedule } from "../experiment-schedule.js"
import { type ConfigIssue, issue, keyPath } from "./config-issue.js"
import type { FunctionsSpec, Named } from "./spec.js"
import type { ParameterFields } from "./spec-schemas.js"
import type { ParameterBinding, TemplateContext } from "./template.js"

/** Slugs go into SQL string literals; only these characters can do so safely. */
const sqlSafeSlug = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** The `experiment.*` attributes templates may read (Jetstream's names). */
export const experimentAttributes = (
  experiment: Experiment,
  schedule: ExperimentSchedule,
  referenceBranch: string | undefined,
): Readonly<Record<string, string | Error>> => {
  const slug = sqlSafeSlug.test(experiment.slug)
    ? experiment.slug
    : new Error(`experiment slug "${experiment.slug}" cannot be used in SQL templates`)
  const missing = (what: string) => new Error(`experiment "${experiment.slug}" has no ${what}`)
  const { startDate, endDate, enrollmentPeriod, lastEnrollmentDate } = schedule
  return {
    slug,
    normandy_slug: slug,
    experimenter_slug: slug,
    app_name: experiment.appName,
    app_id: experiment.appId ?? missing("app id"),
    reference_branch: referenceBranch ?? missing("reference branch"),
    start_date_str: startDate ?? missing("start date"),
    end_date_str: endDate ?? missing("end date"),
    enrollment_period:
      enrollmentPeriod === undefined ? missing("enrollment period") : `${enrollmentPeriod}`,
    last_enrollment_date_str: lastEnrollmentDate ?? missing("start date or enrollment period"),
  }
}

/**
 * Parameter values for templates: a per-experiment `value` wins over an outcome's
 * `default`; per-branch parameters merge both tables, branch by branch.
 */
export const bindParameters = (
  parameters: Named<ParameterFields>,
  issues: ConfigIssue[],
): Readonly<Record<string, ParameterBinding | Error>> => {
  const bindings: Record<string, ParameterBinding | Error> = {}
  for (const [name, parameter] of Object.entries(parameters)) {
    const binding = bindParameter(name, parameter)
    if (typeof binding === "string") {
      issues.push(issue(keyPath("parameters", name), binding))
      // Templates using it then say so, instead of calling it unknown.
      bindings[name] = new Error(`parameter "${name}" is not usable (see parameters.${name})`)
    } else {
      bindings[name] = binding
    }
  }
  return bindings
}

/** A parameter's binding, or what is wrong with it. */
const bindParameter = (name: string, parameter: ParameterFields): ParameterBinding | string => {
  const { value, default: fallback } = parameter
  if (parameter.distinct_by_branch === true) {
    if (typeof value === "string" || typeof fallback === "string") {
      return `parameter "${name}" is distinct by branch: write value.<branch> = "..." (and default.<branch>)`
    }
    const values = { ...(fallback ?? {}), ...(value ?? {}) }
    return Object.keys(values).length === 0
      ? `parameter "${name}" has no value for any branch`
      : { kind: "perBranch", values }
  }
  const single = value ?? fallback
  if (single === undefined) return `parameter "${name}" has neither a value nor a default`
  if (typeof single !== "string") {
    return `parameter "${name}" is not distinct by branch, so its value must be a string; set distinct_by_branch = true for per-branch values`
  }
  return { kind: "single", value: single }
}

export const templateContext = (
  functions: FunctionsSpec,
  experiment: Readonly<Record<string, string | Error>>,
  parameters: Readonly<Record<string, ParameterBinding | Error>>,
): TemplateContext => ({
  functions: Object.fromEntries(
    Object.entries(functions).map(([name, fn]) => [name, fn.definition]),
  ),
  experiment,
  parameters,
})
