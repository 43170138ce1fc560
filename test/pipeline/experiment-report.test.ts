import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { resolveAnalysisConfiguration } from "../../src/domain/config/resolve-analysis.js"
import type { Experiment } from "../../src/domain/experiment.js"
import type { StatisticResult } from "../../src/domain/statistic-result.js"
import { experimentReportOf } from "../../src/pipeline/publish/experiment-report.js"
import { renderExperimentReport } from "../../src/report/experiment-page.js"
import { collectionFrom, functionsToml } from "../support/config-collection.js"
import { textOf } from "../support/dom.js"

/** The report's model from a resolved configuration: what the rows alone do not say. */

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

const configured = (multipleTesting: string) => {
  const collection = collectionFrom({
    "definitions/functions.toml": functionsToml,
    "definitions/fenix.toml": `
[data_sources.baseline]
from_expression = "mozdata.fenix.baseline"
experiments_column_type = "glean"

[metrics.active_hours]
data_source = "baseline"
select_expression = '{{agg_sum("active_hours")}}'
`,
    "jetstream/defaults/fenix.toml": `
[experiment]
multiple_testing = "${multipleTesting}"

[metrics]
overall = ["active_hours"]

[metrics.active_hours.statistics.t_test]
`,
  })
  const result = resolveAnalysisConfiguration({ collection, experiment })
  if (Either.isLeft(result)) throw new Error(JSON.stringify(result.left))
  return result.right
}

const difference: StatisticResult = {
  metric: "active_hours",
  statistic: "t_test",
  parameter: null,
  branch: "treatment",
  comparison: "difference",
  comparison_to_branch: "control",
  ci_width: 0.95,
  point: 0.2,
  lower: 0.1,
  upper: 0.3,
  segment: "all",
  analysis_basis: "enrollments",
  window_index: "1",
  p_value: 0.004,
  p_value_adjusted: 0.008,
}

const reportWith = (multipleTesting: string) =>
  experimentReportOf({
    slug: experiment.slug,
    experiment,
    configuration: configured(multipleTesting),
    statistics: { overall: [difference] },
    problems: [],
    analysedAt: null,
  })

describe("experimentReportOf", () => {
  it("carries the experiment's multiple_testing method, which the page names", () => {
    const holm = reportWith("holm")
    expect(holm.multipleTesting).toBe("holm")
    expect(textOf(renderExperimentReport(holm))).toContain(
      "p-values adjusted for multiple comparisons by Holm's method",
    )
    const bh = reportWith("benjamini_hochberg")
    expect(bh.multipleTesting).toBe("benjamini_hochberg")
    expect(textOf(renderExperimentReport(bh))).toContain("by the Benjamini–Hochberg method")
    expect(reportWith("none")).not.toHaveProperty("multipleTesting")
  })
})
