/**
 * Every golden BigQuery statement (test/sql/golden/*.sql, what the builders generate) is
 * analysed by ZetaSQL, GoogleSQL's front end, against the schemas of the tables it reads
 * (test/fixtures/bigquery-schemas/telemetry.json, as `bq show --schema --format=json` prints
 * them): names, types and functions must all resolve, as BigQuery would resolve them.
 */
import { readdirSync, readFileSync } from "node:fs"
import { expect, layer } from "@effect/vitest"
import { Effect, Either } from "effect"
import { parseBigQuerySchemas } from "../../src/domain/table-schema.js"
import { SqlAnalyzer } from "../../src/services/sql-analyzer.js"

const goldenFolder = new URL("golden/", import.meta.url)

const golden = readdirSync(goldenFolder)
  .filter((file) => file.endsWith(".sql"))
  .sort()
  .map((file) => ({ file, sql: readFileSync(new URL(file, goldenFolder), "utf8") }))

const catalog = Either.getOrThrow(
  parseBigQuerySchemas(
    readFileSync(new URL("../fixtures/bigquery-schemas/telemetry.json", import.meta.url), "utf8"),
  ),
)

layer(SqlAnalyzer.zetaSql(), { timeout: 60_000 })("golden BigQuery SQL under ZetaSQL", (it) => {
  it.effect("has golden files to analyse", () =>
    Effect.sync(() => expect(golden.length).toBeGreaterThan(0)),
  )

  it.effect("resolves every golden statement against the tables it reads", () =>
    Effect.gen(function* () {
      const analyzer = yield* SqlAnalyzer
      const started = performance.now()
      const checks = yield* Effect.forEach(
        golden,
        ({ file, sql }) =>
          analyzer.analyze(sql, catalog).pipe(Effect.map((check) => ({ file, check }))),
        { concurrency: 4 },
      )
      const elapsed = performance.now() - started
      console.log(`ZetaSQL analysed ${checks.length} golden statements in ${elapsed.toFixed(0)} ms`)
      const problems = checks.flatMap(({ file, check }) =>
        check._tag === "Invalid"
          ? [`${file}:${check.line ?? "?"}:${check.column ?? "?"}: ${check.message}`]
          : [],
      )
      expect(problems).toEqual([])
      for (const { check } of checks) {
        expect(check._tag === "Valid" && check.outputColumns.length).toBeGreaterThan(0)
      }
    }),
  )
})
