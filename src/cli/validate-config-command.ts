import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Console, Effect, Logger, LogLevel, Option } from "effect"
import type { AnalysisConfiguration } from "../domain/config/analysis-configuration.js"
import type { IsoDate } from "../domain/dates.js"
import { booleanMetricNames, rehearseConfiguration } from "../pipeline/rehearsal.js"
import { runSettings } from "../pipeline/run.js"
import { type FileReport, validateConfigFiles } from "../pipeline/validate-config.js"
import { ConfigRepository } from "../services/config-repository.js"
import { bigQueryTelemetrySources } from "../sql/enrollments-query.js"
import { setExitCode } from "./exit-code.js"
import { qualifiedNameFor, rehearsalLayer } from "./rehearsal-layers.js"
import { sqlOutputDirOption } from "./run-options.js"
import { configRepoOption } from "./shared-options.js"

const files = Args.path({ name: "FILE", exists: "yes" }).pipe(
  Args.atLeast(1),
  Args.withDescription(
    "metric-hub TOML files (the role of each comes from its path), or folders to check whole",
  ),
)
const json = Options.boolean("json").pipe(
  Options.withDescription("print [{file, role, ok, errors: [{path, message}]}] as JSON"),
)
const platform = Options.text("platform").pipe(
  Options.optional,
  Options.withDescription(
    "the application experiment configs are resolved for (default: inferred from the metrics they use)",
  ),
)

/**
 * Every statement a run would send for each valid experiment config's synthetic experiment
 * (one window of every period, on its end date), written under `directory`.
 */
const writeRehearsalSql = (
  configurations: ReadonlyArray<AnalysisConfiguration>,
  directory: string,
) =>
  Effect.forEach(
    configurations,
    (configuration) =>
      rehearseConfiguration(
        configuration,
        (configuration.schedule.endDate ?? configuration.experiment.startDate) as IsoDate,
        runSettings({ sources: bigQueryTelemetrySources }),
      ),
    { discard: true },
  ).pipe(
    Logger.withMinimumLogLevel(LogLevel.Warning),
    Effect.provide(
      rehearsalLayer({
        directory,
        qualifiedName: qualifiedNameFor("bigquery", Option.none(), Option.none()),
        booleanColumns: booleanMetricNames(configurations),
      }),
    ),
  )

const formatReport = (report: FileReport): string => {
  const resolvedAs = report.platform === undefined ? "" : `, resolved for ${report.platform}`
  const head = `${report.ok ? "OK  " : "FAIL"} ${report.file} [${report.role}${resolvedAs}]`
  const details = report.errors.map(
    ({ path, message }) => `       ${path === "" ? "" : `${path}: `}${message}`,
  )
  return [head, ...details].join("\n")
}

export const validateConfigCommand = Command.make(
  "validate-config",
  { configRepos: configRepoOption, json, platform, sqlOutputDir: sqlOutputDirOption, files },
  ({ configRepos, json, platform, sqlOutputDir, files }) =>
    Effect.gen(function* () {
      const reports = yield* validateConfigFiles(
        files,
        Option.match(platform, { onNone: () => ({}), onSome: (value) => ({ platform: value }) }),
      )
      if (json) {
        yield* Console.log(
          JSON.stringify(
            reports.map(({ file, role, ok, errors }) => ({ file, role, ok, errors })),
            null,
            2,
          ),
        )
      } else {
        for (const report of reports) yield* Console.log(formatReport(report))
        const failed = reports.filter((report) => !report.ok).length
        yield* Console.error(`${reports.length - failed} valid, ${failed} invalid`)
      }
      if (Option.isSome(sqlOutputDir)) {
        const configurations = reports.flatMap(({ configuration }) =>
          configuration === undefined ? [] : [configuration],
        )
        yield* writeRehearsalSql(configurations, sqlOutputDir.value)
        yield* Console.error(
          `SQL of ${configurations.length} experiment ${configurations.length === 1 ? "config" : "configs"} written to ${sqlOutputDir.value}`,
        )
      }
      if (reports.some((report) => !report.ok)) yield* setExitCode(1)
    }).pipe(Effect.provide(ConfigRepository.fromDirectories(configRepos))),
).pipe(
  Command.withDescription(
    "Check metric-hub configuration files (definitions, defaults, outcomes, experiment configs): unknown keys, unknown names, templates, and a full resolution. Exit status 1 when any file is invalid.",
  ),
)
