import { describe, expect, it } from "@effect/vitest"
import { parseConfigFile } from "../../../src/domain/config/parse-file.js"
import { issuesOf } from "../../support/config-collection.js"

const experimentConfig = "jetstream/my-experiment.toml"

describe("decoding metric-hub files", () => {
  it("reads period lists, including the 28_day alias, and statistics given as tables", () => {
    const parsed = parseConfigFile(
      experimentConfig,
      `
[metrics]
weekly = ["a"]
28_day = ["b"]
preenrollment_weekly = ["a"]

[metrics.a.statistics.bootstrap_mean]
num_samples = 500
pre_treatments = ["remove_nulls", { name = "censor_highest_values", fraction = 0.99 }]

[metrics.b]
statistics = { binomial = {} }
`,
    )
    expect(parsed.issues).toEqual([])
    expect(parsed.decoded?.kind).toBe("experiment")
    if (parsed.decoded?.kind !== "experiment") return
    expect(parsed.decoded.spec.metrics.periods).toEqual({
      week: ["a"],
      days28: ["b"],
      preenrollment_week: ["a"],
    })
    expect(parsed.decoded.spec.metrics.definitions.a?.statistics).toEqual([
      {
        name: "bootstrap_mean",
        parameters: { num_samples: 500 },
        preTreatments: [
          { name: "remove_nulls", parameters: {} },
          { name: "censor_highest_values", parameters: { fraction: 0.99 } },
        ],
        // Decoded once: the defaults of what the config leaves out are filled in.
        decoded: {
          name: "bootstrap_mean",
          parameters: { num_samples: 500, drop_highest: 0.005, confidence_interval: 0.95 },
        },
      },
    ])
  })

  it("warns of an unknown key at any depth with its path and the closest valid key", () => {
    const issues = issuesOf(
      experimentConfig,
      `
experiments = 1

[experiment]
enrolment_period = 7

[experiment.exposure_signal]
name = "x"
friendly_name = "X"
description = "d"
data_source = "events"
select_expression = "TRUE"
window_ends = 3

[metrics.a]
data_source = "events"
select_expression = "1"
descriptions = "typo"

[metrics.a.statistics.bootstrap_mean]
num_sample = 10

[metrics.b.statistics.binomial]
pre_treatments = [{ name = "censor_highest_values", fractoin = 0.5 }]

[data_sources.events]
from_expresion = "events"

[segments.s]
data_source = "x"
select_expression = "TRUE"
window_begin = 1

[segments.data_sources.x]
from_expression = "t"
windows_start = 0
`,
    )
    expect(issues.map(({ path }) => path).sort()).toEqual([
      "data_sources.events.from_expresion",
      "experiment.enrolment_period",
      "experiment.exposure_signal.window_ends",
      "experiments",
      "metrics.a.descriptions",
      "metrics.a.statistics.bootstrap_mean.num_sample",
      "metrics.b.statistics.binomial.pre_treatments[0].fractoin",
      "segments.data_sources.x.windows_start",
      "segments.s.window_begin",
    ])
    const messages = new Map(issues.map(({ path, message }) => [path, message]))
    expect(messages.get("experiment.enrolment_period")).toBe(
      'unknown key "enrolment_period" (did you mean "enrollment_period"?); it is ignored',
    )
    expect(messages.get("metrics.a.descriptions")).toBe(
      'unknown key "descriptions" (did you mean "description"?); it is ignored',
    )
    expect(messages.get("metrics.b.statistics.binomial.pre_treatments[0].fractoin")).toBe(
      'unknown key "fractoin" (did you mean "fraction"?); it is ignored; it is not computed',
    )
    // A top-level key metric-config-parser does not allow is an error; every other a warning.
    expect(messages.get("experiments")).toContain('(did you mean "experiment"?)')
    expect(issues.filter((entry) => entry.severity !== "warning").map(({ path }) => path)).toEqual([
      "experiments",
    ])
  })

  it("accepts top-level keys metric-config-parser allows, with a warning where unused", () => {
    const issues = issuesOf(
      experimentConfig,
      'friendly_name = "F"\ndescription = "D"\n[metrics]\nweekly = []\n',
    )
    expect(issues).toEqual([
      {
        path: "friendly_name",
        message:
          'top-level key "friendly_name" is not read in an analysis configuration; it is ignored',
        severity: "warning",
      },
      {
        path: "description",
        message:
          'top-level key "description" is not read in an analysis configuration; it is ignored',
        severity: "warning",
      },
    ])
  })

  it("refuses an unknown key in a parameter, as metric-config-parser does", () => {
    expect(issuesOf(experimentConfig, '[parameters.p]\nvalue = "1"\nvalu = "2"\n')).toEqual([
      {
        path: "parameters.p.valu",
        message: 'unknown key "valu" (did you mean "value"?): metric-config-parser refuses it',
      },
    ])
  })

  it("warns of unknown statistics and pre-treatments, keeping them as not computed", () => {
    const issues = issuesOf(
      experimentConfig,
      `
[metrics.a.statistics.bootstrap_means]
[metrics.b.statistics.binomial]
pre_treatments = ["remove_null"]
`,
    )
    expect(issues).toEqual([
      {
        path: "metrics.a.statistics.bootstrap_means",
        message: expect.stringMatching(
          /^unknown statistic "bootstrap_means" \(did you mean "bootstrap_mean"\?\).*; it is not computed$/,
        ),
        severity: "warning",
      },
      {
        path: "metrics.b.statistics.binomial.pre_treatments[0]",
        message: expect.stringMatching(
          /^unknown pre-treatment "remove_null" \(did you mean "remove_nulls"\?\)/,
        ),
        severity: "warning",
      },
    ])
  })

  it("reports wrong types and out-of-range values, all of them", () => {
    const issues = issuesOf(
      experimentConfig,
      `
[experiment]
enrollment_period = "seven"
start_date = "2019-13-01"
sample_size = 150
segments = "new_users"
multiple_testing = "bonferroni"

[metrics]
weekly = "a"

[metrics.a]
bigger_is_better = "yes"
analysis_bases = ["exposure"]

[metrics.a.statistics.bootstrap_mean]
confidence_interval = 95
`,
    )
    const byPath = new Map(issues.map(({ path, message }) => [path, message]))
    expect(byPath.get("experiment.enrollment_period")).toBe('expected a number, got "seven"')
    expect(byPath.get("experiment.start_date")).toBe(
      'expected a date written YYYY-MM-DD, got "2019-13-01"',
    )
    expect(byPath.get("experiment.sample_size")).toBe(
      "must be a percentage of clients between 1 and 100",
    )
    expect(byPath.get("experiment.segments")).toBe('expected a list of strings, got "new_users"')
    expect(byPath.get("experiment.multiple_testing")).toBe(
      'expected "holm" or "benjamini_hochberg" or "none", got "bonferroni"',
    )
    expect(byPath.get("metrics.weekly")).toBe('expected a list of strings, got "a"')
    expect(byPath.get("metrics.a.bigger_is_better")).toBe('expected true or false, got "yes"')
    expect(byPath.get("metrics.a.analysis_bases[0]")).toBe(
      'expected "enrollments" or "exposures", got "exposure"',
    )
    expect(byPath.get("metrics.a.statistics.bootstrap_mean.confidence_interval")).toBe(
      "must be a number strictly between 0 and 1; it is not computed",
    )
    expect(issues).toHaveLength(9)
  })

  it("requires an exposure signal's friendly_name and description, as metric-config-parser does", () => {
    const issues = issuesOf(
      experimentConfig,
      '[experiment.exposure_signal]\nname = "o"\ndata_source = "e"\nselect_expression = "TRUE"\n',
    )
    expect(issues).toEqual([
      { path: "experiment.exposure_signal.description", message: "is required but missing" },
      { path: "experiment.exposure_signal.friendly_name", message: "is required but missing" },
    ])
  })

  it("reports invalid TOML with its line", () => {
    expect(issuesOf(experimentConfig, "[metrics\nweekly = 1")).toEqual([
      { path: expect.stringMatching(/^line 1/), message: expect.stringMatching(/^not valid TOML/) },
    ])
  })

  it("checks outcomes: required header, no period lists, default metrics defined", () => {
    const issues = issuesOf(
      "jetstream/outcomes/fenix/my_outcome.toml",
      `
description = "d"
default_metrics = ["missing"]
[metrics.a.statistics.binomial]
`,
    )
    expect(issues).toEqual([
      { path: "friendly_name", message: "is required but missing" },
      {
        path: "default_metrics[0]",
        message: expect.stringMatching(/^default metric "missing" is not defined/),
      },
    ])
  })

  it("warns of a function definition without {select_expr}", () => {
    expect(issuesOf("definitions/functions.toml", '[functions.f]\ndefinition = "SUM(x)"')).toEqual([
      {
        path: "functions.f.definition",
        message: "the definition does not use {select_expr}, so the argument is ignored",
        severity: "warning",
      },
    ])
  })
})
