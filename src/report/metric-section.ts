import type { StatisticResult } from "../domain/statistic-result.js"
import { decileBlock, distributionBlock } from "./curve-blocks.js"
import type { ChartContext } from "./curves.js"
import { estimateBlock } from "./estimate-table.js"
import { type Html, html } from "./html.js"
import type { ReportMetric } from "./report-model.js"
import { groupBy, orderedBases } from "./rows.js"
import {
  compareStatistics,
  statisticKind,
  statisticLabel,
  statisticTag,
} from "./statistic-names.js"

/**
 * Everything about one metric in one period and segment: its name, slug and description,
 * then one block per statistic and basis (and parameter, for statistics that have one).
 */

export interface MetricContext extends ChartContext {
  readonly period: string
  /** A unique element id for the section, made by the page (never from data). */
  readonly id: string
}

const basisWords = (basis: string): string =>
  basis === "enrollments" ? "enrolled clients" : basis === "exposures" ? "exposed clients" : basis

export const metricSection = (
  metric: ReportMetric,
  rows: ReadonlyArray<StatisticResult>,
  context: MetricContext,
): Html => {
  const statistics = [...groupBy(rows, ({ statistic }) => statistic)].sort(([a], [b]) =>
    compareStatistics(a, b),
  )
  const blocks = statistics.flatMap(([statistic, statisticRows]) =>
    orderedBases(statisticRows).flatMap((basis) => {
      const basisRows = statisticRows.filter(({ analysis_basis }) => analysis_basis === basis)
      const title = `${statisticLabel(statistic)} · ${basisWords(basis)}`
      const shared = { ...context, biggerIsBetter: metric.biggerIsBetter, title }
      const kind = statisticKind(statistic)
      if (kind === "deciles") return [decileBlock(basisRows, shared)]
      if (kind === "distribution") {
        const distribution =
          statistic === "empirical_cdf" ? "empirical_cdf" : "kernel_density_estimate"
        return [distributionBlock(basisRows, shared, distribution)]
      }
      const byParameter = [
        ...groupBy(basisRows, ({ parameter }) => (parameter === null ? null : String(parameter))),
      ]
      const tag = statisticTag(statistic)
      return byParameter.map(([parameter, parameterRows]) =>
        estimateBlock(parameterRows, {
          ...shared,
          title: parameter === null ? title : `${title} · parameter ${parameter}`,
          ...(tag === undefined ? {} : { tag }),
        }),
      )
    }),
  )
  const direction = metric.biggerIsBetter ? "bigger is better" : "smaller is better"
  return html`<article class="metric" id="${context.id}"><header><h4>${metric.friendlyName} <code class="slug">${metric.slug}</code></h4><span class="tag">${direction}</span></header>${metric.description !== "" && html`<p class="description">${metric.description}</p>`}${blocks}</article>`
}
