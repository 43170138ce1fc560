import { describe, expect, it } from "@effect/vitest"
import type { ConfigCollection } from "../../../src/domain/config/collection.js"
import { parseConfigFile } from "../../../src/domain/config/parse-file.js"
import { type FileValidation, validateFile } from "../../../src/domain/config/validate.js"
import { collectionFrom, functionsToml } from "../../support/config-collection.js"

const repo = collectionFrom({
  "definitions/functions.toml": functionsToml,
  "definitions/fenix.toml": `
[data_sources.baseline]
from_expression = "baseline"
[metrics.active_hours]
data_source = "baseline"
select_expression = '{{agg_sum("active_hours")}}'
`,
  "definitions/firefox_desktop.toml": `
[data_sources.clients_daily]
from_expression = "clients_daily"
[metrics.uri_count]
data_source = "clients_daily"
select_expression = '{{agg_sum("uri_count")}}'
`,
})

const validate = (
  file: string,
  text: string,
  collection: ConfigCollection = repo,
  platform?: string,
): FileValidation => {
  const parsed = parseConfigFile(file, text)
  if (parsed.decoded === undefined) throw new Error(JSON.stringify(parsed.issues))
  return validateFile(
    collection,
    parsed.decoded,
    { file },
    platform === undefined ? {} : { platform },
  )
}

describe("validateFile", () => {
  it("resolves an experiment config for the platform whose definitions it uses", () => {
    const config =
      '[metrics]\nweekly = ["active_hours"]\n[metrics.active_hours.statistics.bootstrap_mean]'
    expect(validate("jetstream/some-experiment.toml", config)).toEqual({
      issues: [],
      platform: "fenix",
    })
    const desktop =
      '[metrics]\nweekly = ["uri_count"]\n[metrics.uri_count.statistics.bootstrap_mean]'
    expect(validate("jetstream/other.toml", desktop)).toEqual({
      issues: [],
      platform: "firefox_desktop",
    })
  })

  it("reports the issues for the closest platform, or the one asked for", () => {
    const config = '[metrics]\nweekly = ["active_hour"]'
    expect(validate("jetstream/x.toml", config, repo, "fenix")).toEqual({
      issues: [
        {
          path: "metrics.weekly",
          message: 'unknown metric "active_hour" (did you mean "active_hours"?)',
        },
      ],
      platform: "fenix",
    })
  })

  it("resolves every entry of a definitions file, including ones no experiment uses, warning of problems", () => {
    const result = validate(
      "definitions/fenix.toml",
      `
[metrics.broken]
data_source = "nowhere"
select_expression = "{{agg_max('x')}}"
[segments.s]
data_source = "missing_source"
select_expression = "TRUE"
[dimensions.os]
data_source = "baseline"
select_expression = "os"
`,
    )
    // metric-config-parser resolves nothing of a definitions file: they are warnings.
    const warning = "warning" as const
    expect(result.issues).toEqual([
      {
        path: "metrics.broken.data_source",
        message: 'unknown data source "nowhere"',
        severity: warning,
      },
      {
        path: "metrics.broken.select_expression",
        message: 'unknown function "agg_max"',
        severity: warning,
      },
      {
        path: "segments.s.data_source",
        message: 'unknown segment data source "missing_source"',
        severity: warning,
      },
    ])
  })

  it("validates defaults for a platform and for an experiment type", () => {
    expect(
      validate("jetstream/defaults/fenix.toml", '[metrics]\nweekly = ["active_hours"]').issues,
    ).toEqual([
      {
        path: "metrics.active_hours",
        message:
          'metric "active_hours" has no statistics: add [metrics.active_hours.statistics.<statistic>]',
      },
    ])
    expect(validate("jetstream/defaults/messaging.toml", "[metrics]\nweekly = []").issues).toEqual(
      [],
    )
  })

  it("validates an outcome against its platform, with per-branch parameter defaults", () => {
    const outcome = `
friendly_name = "o"
description = "d"
[parameters.id]
distinct_by_branch = true
default = { control = "a", treatment = "b" }
[metrics.opened]
data_source = "baseline"
select_expression = "COUNTIF(id = '{{ parameters.id }}')"
statistics = { sum = {} }
`
    expect(validate("jetstream/outcomes/fenix/o.toml", outcome).issues).toEqual([])
    expect(validate("jetstream/outcomes/firefox_desktop/o.toml", outcome).issues).toEqual([
      { path: "metrics.opened.data_source", message: 'unknown data source "baseline"' },
    ])
  })
})
