import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { AnalysisConfiguration } from "../../../src/domain/config/analysis-configuration.js"
import type { ConfigCollection } from "../../../src/domain/config/collection.js"
import type { ConfigIssue } from "../../../src/domain/config/config-issue.js"
import { resolveAnalysisConfiguration } from "../../../src/domain/config/resolve-analysis.js"
import type { Experiment } from "../../../src/domain/experiment.js"
import { collectionFrom, functionsToml } from "../../support/config-collection.js"

const experiment: Experiment = {
  slug: "my-experiment",
  appName: "fenix",
  appId: "org.mozilla.firefox",
  branches: [
    { slug: "control", ratio: 1 },
    { slug: "treatment", ratio: 1 },
  ],
  referenceBranch: "control",
  startDate: "2019-12-01",
  endDate: "2020-01-15",
  enrollmentEndDate: "2019-12-07",
  isRollout: false,
  outcomes: [],
  segments: [],
}

const definitions = `
[data_sources.baseline]
from_expression = "mozdata.{dataset}.baseline"
default_dataset = "fenix"
experiments_column_type = "glean"

[data_sources.events]
from_expression = "(SELECT * FROM events WHERE submission_date >= '{{experiment.start_date_str}}')"
experiments_column_type = "none"

[metrics.active_hours]
data_source = "baseline"
select_expression = '{{agg_sum("active_hours")}}'
friendly_name = "Active hours"
description = """
    Hours of use.
    Second line.
"""

[metrics.uri_count]
data_source = "baseline"
select_expression = '{{agg_sum("uri_count")}}'

[metrics.clicks]
data_source = "events"
select_expression = "COUNTIF(event = 'click' AND slug = '{experiment_slug}')"
bigger_is_better = false
analysis_bases = ["exposures"]

[metrics.searches]
data_source = "events"
select_expression = "COUNTIF(event = 'search')"

[segments.data_sources.baseline_at_enrollment]
from_expression = "mozdata.{dataset}.baseline"
default_dataset = "fenix"
window_start = -7
window_end = 0

[segments.new_users]
data_source = "baseline_at_enrollment"
select_expression = '{{agg_any("is_new")}}'

[segments.heavy_users]
data_source = "baseline_at_enrollment"
select_expression = "SUM(active_hours) > 10"
window_start = -28
`

const defaults = `
[metrics]
weekly = ["active_hours", "uri_count"]
overall = ["active_hours"]
daily = ["active_hours"]

[metrics.active_hours.statistics.bootstrap_mean]
[metrics.active_hours.statistics.deciles]
[metrics.uri_count.statistics.bootstrap_mean]
`

const repo = (extra: Readonly<Record<string, string>> = {}): ConfigCollection =>
  collectionFrom({
    "definitions/functions.toml": functionsToml,
    "definitions/fenix.toml": definitions,
    "jetstream/defaults/fenix.toml": defaults,
    ...extra,
  })

const resolve = (collection: ConfigCollection, overrides: Partial<Experiment> = {}) =>
  resolveAnalysisConfiguration({ collection, experiment: { ...experiment, ...overrides } })

const resolved = (
  collection: ConfigCollection,
  overrides: Partial<Experiment> = {},
): AnalysisConfiguration => {
  const result = resolve(collection, overrides)
  if (Either.isLeft(result)) throw new Error(JSON.stringify(result.left, null, 2))
  return result.right
}

const issues = (
  collection: ConfigCollection,
  overrides: Partial<Experiment> = {},
): ReadonlyArray<ConfigIssue> => {
  const result = resolve(collection, overrides)
  if (Either.isRight(result)) throw new Error("expected resolution to fail")
  return result.left
}

const summaryNames = (
  configuration: AnalysisConfiguration,
  period: keyof AnalysisConfiguration["periods"],
) =>
  configuration.periods[period].summaries.map(
    (summary) => `${summary.metric.name}:${summary.statistic.name}`,
  )

describe("resolveAnalysisConfiguration", () => {
  it("refuses more metrics in one period than one table and one query can hold", () => {
    // 2,001 of the config and the defaults' two.
    const many = Array.from({ length: 2_001 }, (_, index) => `m${index}`)
    const config = [
      `[metrics]\nweekly = [${many.map((name) => `"${name}"`).join(", ")}]`,
      ...many.map(
        (name) =>
          `[metrics.${name}]\ndata_source = "baseline"\nselect_expression = "SUM(active_hours)"\n[metrics.${name}.statistics.bootstrap_mean]`,
      ),
    ].join("\n")
    expect(
      issues(repo({ "jetstream/many-metrics.toml": config }), { slug: "many-metrics" }),
    ).toEqual([
      {
        path: "metrics.weekly",
        message:
          "2,003 metrics in one period: at most 2,000 (each is a column of one table per window; BigQuery allows 10,000 columns, and DuckDB crashes past 16,383 aggregates in one query)",
      },
    ])
  })

  it("resolves metrics per period with rendered SQL, data sources and defaults", () => {
    const configuration = resolved(repo())
    expect(summaryNames(configuration, "week")).toEqual([
      "active_hours:bootstrap_mean",
      "active_hours:deciles",
      "uri_count:bootstrap_mean",
    ])
    expect(summaryNames(configuration, "days28")).toEqual([])
    const activeHours = configuration.periods.week.metrics[0]
    expect(activeHours).toMatchObject({
      name: "active_hours",
      selectExpression: "COALESCE(SUM(active_hours), 0)",
      friendlyName: "Active hours",
      description: "Hours of use.\nSecond line.",
      biggerIsBetter: true,
      analysisBases: ["enrollments", "exposures"],
      dataSource: {
        name: "baseline",
        fromExpression: "mozdata.fenix.baseline",
        experimentsColumnType: "glean",
        clientIdColumn: "client_id",
        submissionDateColumn: "submission_date",
      },
    })
    expect(configuration.referenceBranch).toBe("control")
    expect(configuration.enrollmentsQueryType).toBe("glean-event")
    expect(configuration.analysisUnit).toBe("client_id")
    expect(configuration.skip).toBe(false)
  })

  it("applies precedence: platform default < type default < outcome < per-experiment config", () => {
    const collection = repo({
      "jetstream/defaults/v6.toml": `
[metrics]
weekly = ["searches"]
[metrics.searches.statistics.bootstrap_mean]
[metrics.active_hours.statistics.binomial]
`,
      "jetstream/outcomes/fenix/engagement.toml": `
friendly_name = "Engagement"
description = "d"
[metrics.active_hours.statistics.deciles]
[metrics.clicks.statistics.sum]
`,
      "jetstream/my-experiment.toml": `
[metrics]
weekly = ["uri_count"]
[metrics.uri_count.statistics.count]
`,
    })
    const configuration = resolved(collection, { outcomes: ["engagement"] })
    // The type default replaced active_hours' statistics, the outcome replaced them again;
    // the experiment config replaced uri_count's; outcome metrics join weekly and overall only.
    expect(summaryNames(configuration, "week")).toEqual([
      "active_hours:deciles",
      "uri_count:count",
      "searches:bootstrap_mean",
      "clicks:sum",
    ])
    expect(summaryNames(configuration, "overall")).toEqual(["active_hours:deciles", "clicks:sum"])
    expect(summaryNames(configuration, "day")).toEqual(["active_hours:deciles"])
    expect(configuration.outcomes).toEqual([
      {
        slug: "engagement",
        friendlyName: "Engagement",
        description: "d",
        metrics: ["active_hours", "clicks"],
        defaultMetrics: [],
      },
    ])
  })

  it("fills {experiment_slug} and experiment templates in metrics and data sources", () => {
    const configuration = resolved(
      repo({
        "jetstream/my-experiment.toml":
          '[metrics]\nweekly = ["clicks"]\n[metrics.clicks.statistics.sum]',
      }),
    )
    const clicks = configuration.periods.week.metrics.find((metric) => metric.name === "clicks")
    expect(clicks?.selectExpression).toBe("COUNTIF(event = 'click' AND slug = 'my-experiment')")
    expect(clicks?.dataSource?.fromExpression).toBe(
      "(SELECT * FROM events WHERE submission_date >= '2019-12-01')",
    )
    expect(clicks?.biggerIsBetter).toBe(false)
    expect(clicks?.analysisBases).toEqual(["exposures"])
  })

  it("resolves depends_on as a graph whatever the order, upstream metrics first", () => {
    const collection = repo({
      "jetstream/my-experiment.toml": `
[metrics]
overall = ["ctr"]
weekly = ["clicks", "searches"]

[metrics.ctr]
depends_on = ["clicks_per_search", "searches"]
[metrics.ctr.statistics.population_ratio]
numerator = "clicks_per_search"
denominator = "searches"

[metrics.clicks_per_search]
depends_on = ["clicks"]
[metrics.clicks_per_search.statistics.sum]

[metrics.clicks.statistics.sum]
[metrics.searches.statistics.sum]
`,
    })
    const overall = resolved(collection).periods.overall
    expect(overall.metrics.map((metric) => metric.name)).toEqual([
      "active_hours",
      "clicks",
      "clicks_per_search",
      "searches",
      "ctr",
    ])
    expect(overall.metrics.find((metric) => metric.name === "ctr")).toMatchObject({
      dependsOn: ["clicks_per_search", "searches"],
    })
    expect(overall.metrics.find((metric) => metric.name === "ctr")?.dataSource).toBeUndefined()
  })

  it("refuses a metric reached through depends_on without statistics of its own, as metric-config-parser does", () => {
    const collection = repo({
      "jetstream/my-experiment.toml": `
[metrics]
weekly = ["ctr"]
[metrics.ctr]
depends_on = ["clicks_per_search", "searches"]
[metrics.ctr.statistics.population_ratio]
numerator = "clicks_per_search"
denominator = "searches"
[metrics.clicks_per_search]
data_source = "events"
select_expression = "COUNTIF(event = 'click')"
`,
    })
    // clicks_per_search: defined here without statistics; searches: the definitions file's has
    // none, and this config does not list it with some (which the parser would copy onto it).
    expect(issues(collection).map(({ message }) => message.split(":")[0])).toEqual([
      'metric "clicks_per_search" has no statistics of its own',
      'metric "searches" has no statistics of its own',
    ])
  })

  it("reads a data source's from_expression as metric-config-parser: Jinja only when it reads experiment", () => {
    const collection = repo({
      "jetstream/my-experiment.toml": `
[metrics]
weekly = ["guid", "slugged"]
[metrics.guid]
data_source = "addons"
select_expression = "COUNT(*)"
statistics = { sum = {} }
[metrics.slugged]
data_source = "messages"
select_expression = "COUNT(*)"
statistics = { sum = {} }
[data_sources.addons]
from_expression = "(SELECT * FROM a WHERE id = '{{d10d0bf8-f5b5}}')"
[data_sources.messages]
from_expression = "(SELECT * FROM m WHERE key = '{{experiment.normandy_slug}}:')"
`,
    })
    const metrics = resolved(collection).periods.week.metrics
    expect(metrics.find((m) => m.name === "guid")?.dataSource?.fromExpression).toBe(
      "(SELECT * FROM a WHERE id = '{d10d0bf8-f5b5}')",
    )
    expect(metrics.find((m) => m.name === "slugged")?.dataSource?.fromExpression).toBe(
      "(SELECT * FROM m WHERE key = 'my-experiment:')",
    )
    const slugPlaceholder = repo({
      "jetstream/my-experiment.toml": `
[metrics]
weekly = ["x"]
[metrics.x]
data_source = "s"
select_expression = "1"
statistics = { sum = {} }
[data_sources.s]
from_expression = "(SELECT * FROM t WHERE slug = '{experiment_slug}')"
`,
    })
    expect(issues(slugPlaceholder)).toEqual([
      {
        path: "data_sources.s.from_expression",
        message: expect.stringMatching(
          /^has placeholder \{experiment_slug\}: only \{dataset\} is filled/,
        ),
      },
    ])
  })

  it("refuses a metric whose analysis units its data source does not support", () => {
    const collection = repo({
      "jetstream/my-experiment.toml": `
[metrics]
weekly = ["per_group"]
[metrics.per_group]
data_source = "baseline"
select_expression = "1"
analysis_units = ["profile_group_id"]
statistics = { sum = {} }
`,
    })
    // fenix's data sources support client_id unless they say otherwise (firefox_desktop's both).
    expect(issues(collection)).toEqual([
      {
        path: "metrics.per_group.analysis_units",
        message: expect.stringMatching(
          /^data source "baseline" does not support the analysis unit profile_group_id/,
        ),
      },
    ])
  })

  it("warns of an unknown metric a statistic names, leaving that statistic out", () => {
    const collection = repo({
      "jetstream/my-experiment.toml": `
[metrics]
weekly = ["clicks"]
[metrics.clicks.statistics.sum]
[metrics.clicks.statistics.population_ratio]
numerator = "clicks"
denominator = "engaged_searches"
`,
    })
    const configuration = resolved(collection)
    expect(
      configuration.periods.week.summaries
        .filter(({ metric }) => metric.name === "clicks")
        .map(({ statistic }) => statistic.name),
    ).toEqual(["sum"])
    expect(configuration.warnings).toEqual([
      {
        path: "metrics.clicks.statistics.population_ratio.denominator",
        message:
          'unknown metric "engaged_searches" (did you mean "searches"?); the statistic is not computed',
        severity: "warning",
      },
    ])
  })

  it("refuses a data source name that is not a slug, as metric-config-parser does", () => {
    const collection = repo({
      "jetstream/my-experiment.toml": `
[metrics]
weekly = ["x"]
[metrics.x]
data_source = "my-events"
select_expression = "1"
statistics = { sum = {} }
[data_sources.my-events]
from_expression = "t"
`,
    })
    expect(issues(collection)).toEqual([
      {
        path: "data_sources.my-events",
        message: expect.stringMatching(
          /^data source name "my-events" may have letters, digits and _ only/,
        ),
      },
    ])
  })

  it("reports a depends_on cycle", () => {
    const collection = repo({
      "jetstream/my-experiment.toml": `
[metrics]
weekly = ["a"]
[metrics.a]
depends_on = ["b"]
[metrics.a.statistics.sum]
[metrics.b]
depends_on = ["c"]
[metrics.c]
depends_on = ["a"]
`,
    })
    expect(issues(collection)).toEqual([
      {
        path: "metrics.c.depends_on",
        message: "metrics depend on each other in a cycle: a → b → c → a",
      },
    ])
  })

  it("reports unknown metrics, data sources, segments and outcomes, and metrics without statistics", () => {
    const collection = repo({
      "jetstream/my-experiment.toml": `
[experiment]
segments = ["new_user"]
outcomes = ["nope"]
[metrics]
weekly = ["active_hour", "orphan", "searches"]
[metrics.orphan]
data_source = "event"
select_expression = "1"
[metrics.orphan.statistics.sum]
`,
    })
    expect(issues(collection)).toEqual([
      {
        path: "experiment.outcomes",
        message: 'outcome "nope" is not defined for platform "fenix"',
      },
      {
        path: "metrics.weekly",
        message: 'unknown metric "active_hour" (did you mean "active_hours"?)',
      },
      {
        path: "metrics.orphan.data_source",
        message: 'unknown data source "event" (did you mean "events"?)',
      },
      {
        path: "metrics.searches",
        message:
          'metric "searches" has no statistics: add [metrics.searches.statistics.<statistic>]',
      },
      {
        path: "experiment.segments",
        message: 'unknown segment "new_user" (did you mean "new_users"?)',
      },
    ])
  })

  it("resolves segments with their windows, the segment's own window first", () => {
    const configuration = resolved(
      repo({
        "jetstream/my-experiment.toml": '[experiment]\nsegments = ["new_users", "heavy_users"]',
      }),
    )
    expect(configuration.segments).toMatchObject([
      {
        name: "new_users",
        selectExpression: "COALESCE(LOGICAL_OR(is_new), FALSE)",
        windowStart: -7,
        windowEnd: 0,
        dataSource: { name: "baseline_at_enrollment", fromExpression: "mozdata.fenix.baseline" },
      },
      { name: "heavy_users", windowStart: -28, windowEnd: 0 },
    ])
  })

  it("applies experiment overrides, exposure signal, enrollment query and analysis settings", () => {
    const configuration = resolved(
      repo({
        "jetstream/my-experiment.toml": `
[experiment]
reference_branch = "treatment"
enrollment_period = 14
end_date = "2020-02-01"
sample_size = 10
analysis_unit = "profile_group_id"
enrollments_query_type = "fenix-fallback"
enrollment_query = "SELECT * FROM e WHERE d <= '{{experiment.last_enrollment_date_str}}'"

[experiment.exposure_signal]
name = "opened"
friendly_name = "Opened the feature"
description = "d"
data_source = "events"
select_expression = "event = 'open'"
window_start = 0
window_end = "analysis_window_end"
`,
      }),
    )
    expect(configuration.referenceBranch).toBe("treatment")
    expect(configuration.overrides).toEqual({
      referenceBranch: "treatment",
      enrollmentPeriod: 14,
      endDate: "2020-02-01",
    })
    expect(configuration.enrollmentQuery).toBe("SELECT * FROM e WHERE d <= '2019-12-15'")
    expect(configuration.exposureSignal).toMatchObject({
      name: "opened",
      selectExpression: "event = 'open'",
      windowStart: 0,
      windowEnd: "analysis_window_end",
      dataSource: { name: "events" },
    })
    expect(configuration.sampleSize).toBe(10)
    expect(configuration.analysisUnit).toBe("profile_group_id")
    expect(configuration.enrollmentsQueryType).toBe("fenix-fallback")
  })

  it("multiple_testing: a default in the defaults, which a per-experiment config overrides", () => {
    const withDefault = (experimentToml: string) =>
      resolved(
        repo({
          "jetstream/defaults/v6.toml": `[experiment]\nmultiple_testing = "benjamini_hochberg"\n`,
          "jetstream/my-experiment.toml": experimentToml,
        }),
      )
    expect(withDefault("").multipleTesting).toBe("benjamini_hochberg")
    expect(withDefault('[experiment]\nmultiple_testing = "holm"\n').multipleTesting).toBe("holm")
    const unadjusted = withDefault('[experiment]\nmultiple_testing = "none"\n')
    expect(unadjusted).not.toHaveProperty("multipleTesting")
    // Never set: the configuration (and so its hash) is what it was before the setting existed.
    expect(resolved(repo())).not.toHaveProperty("multipleTesting")
  })

  it("derives defaults from the experiment: analysis unit and enrollments query type", () => {
    const desktop = collectionFrom({ "definitions/functions.toml": functionsToml })
    const configuration = resolved(desktop, {
      appName: "firefox_desktop",
      randomizationUnit: "group_id",
    })
    expect(configuration.analysisUnit).toBe("profile_group_id")
    expect(configuration.enrollmentsQueryType).toBe("normandy")
  })

  it("renders per-branch parameters from outcome defaults and experiment values", () => {
    const collection = repo({
      "jetstream/outcomes/fenix/messages.toml": `
friendly_name = "Messages"
description = "d"
[parameters.message_id]
distinct_by_branch = true
default = { control = "DEFAULT_A", treatment = "DEFAULT_B" }
[metrics.impressions]
data_source = "events"
select_expression = "COUNTIF(message_id = '{{ parameters.message_id }}')"
statistics = { sum = {} }
`,
      "jetstream/my-experiment.toml": `
[parameters.message_id]
distinct_by_branch = true
value = { treatment = "MSG_B" }
`,
    })
    const impressions = resolved(collection, { outcomes: ["messages"] }).periods.week.metrics.find(
      (metric) => metric.name === "impressions",
    )
    expect(impressions?.selectExpression).toBe(
      "COUNTIF(message_id = CASE e.branch WHEN 'control' THEN 'DEFAULT_A' WHEN 'treatment' THEN 'MSG_B' END)",
    )
  })

  it("rejects a reference branch that is not a branch, and a private experiment without dataset", () => {
    const collection = repo({
      "jetstream/my-experiment.toml":
        '[experiment]\nreference_branch = "contrl"\nis_private = true',
    })
    expect(issues(collection)).toEqual([
      {
        path: "experiment.reference_branch",
        message:
          'reference branch "contrl" is not a branch of "my-experiment" (control, treatment) (did you mean "control"?)',
      },
      {
        path: "experiment.dataset_id",
        message: "a private experiment (is_private = true) must set dataset_id",
      },
    ])
  })

  it("refuses to template a slug that is not safe in SQL", () => {
    const collection = repo({
      "jetstream/x.toml": "",
      "jetstream/defaults/fenix.toml":
        '[metrics]\nweekly = ["clicks"]\n[metrics.clicks.statistics.sum]',
    })
    expect(issues(collection, { slug: "x'; DROP TABLE t; --" })).toEqual([
      {
        path: "metrics.clicks.select_expression",
        message: `experiment slug "x'; DROP TABLE t; --" cannot be used in SQL templates`,
      },
    ])
  })

  it("reports a {dataset} without default_dataset and parameters that cannot be bound", () => {
    const collection = repo({
      "jetstream/my-experiment.toml": `
[metrics]
weekly = ["tabs", "opened"]
[metrics.tabs]
data_source = "tabs_source"
select_expression = "SUM(tabs)"
statistics = { sum = {} }
[metrics.opened]
data_source = "events"
select_expression = "COUNTIF(id = '{{ parameters.message_id }}' AND x = {{ parameters.threshold }})"
statistics = { sum = {} }
[data_sources.tabs_source]
from_expression = "mozdata.{dataset}.tabs"
[parameters.message_id]
distinct_by_branch = true
value = "not-per-branch"
[parameters.threshold]
description = "no value, no default"
`,
    })
    expect(issues(collection)).toEqual([
      {
        path: "parameters.message_id",
        message:
          'parameter "message_id" is distinct by branch: write value.<branch> = "..." (and default.<branch>)',
      },
      {
        path: "parameters.threshold",
        message: 'parameter "threshold" has neither a value nor a default',
      },
      {
        path: "data_sources.tabs_source.from_expression",
        message: "uses {dataset} but sets no default_dataset",
      },
      {
        path: "metrics.opened.select_expression",
        message: 'parameter "message_id" is not usable (see parameters.message_id)',
      },
      {
        path: "metrics.opened.select_expression",
        message: 'parameter "threshold" is not usable (see parameters.threshold)',
      },
    ])
  })
})
