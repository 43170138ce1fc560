import { describe, expect, it } from "@effect/vitest"
import { duckDbProblems } from "../../../src/sql/dialects/duckdb-readiness.js"
import { dataSourceFixture, metricFixture } from "../../support/sql-fixtures.js"

const source = (name: string, fromExpression: string) => dataSourceFixture(name, fromExpression)
const metric = metricFixture

describe("duckDbProblems", () => {
  it("names the metric, the data source and the construct DuckDB cannot run", () => {
    const main = source("main", "`moz-fx-data-shared-prod.telemetry.main`")
    const travelling = source("snapshot", "(SELECT * FROM t FOR SYSTEM_TIME AS OF '2020-01-01')")
    expect(
      duckDbProblems([
        metric("tab_switch_ms", main, "SAFE_DIVIDE(SUM(mozfun.hist.extract(h).sum), COUNT(*))"),
        metric("fine", main, "COUNTIF(x > 1)"),
        metric("old", travelling, "COUNT(*)"),
      ]).map(({ message }) => message),
    ).toEqual([
      'metric "tab_switch_ms" (data source "main", select expression) uses mozfun.hist.extract, which DuckDB cannot run: a BigQuery UDF with no DuckDB version here',
      'metric "old" (data source "snapshot", from expression) uses FOR SYSTEM_TIME AS OF, which DuckDB cannot run: BigQuery time travel',
    ])
  })
})
