import { FileSystem } from "@effect/platform/FileSystem"
import { Console, Effect, Either, Option } from "effect"
import { didYouMean } from "../domain/config/config-issue.js"
import { platforms } from "../domain/platform.js"
import { parseBigQuerySchemas, type TableSchema } from "../domain/table-schema.js"
import { type FileReport, validateConfigFiles } from "../pipeline/validate-config.js"
import { ConfigRepository } from "../services/config-repository.js"
import type { ValidateConfigOptions } from "./commands/validate-config.js"
import { setExitCode } from "./exit-code.js"
import { UsageError } from "./layers.js"
import { rehearseReports } from "./validate-config-rehearsal.js"

// What `slipstream validate-config` does; its flags are in commands/validate-config.ts.

/** --schemas read and decoded, or a usage error naming the file and the table. */
const tablesOf = (file: Option.Option<string>) =>
  Effect.gen(function* () {
    if (Option.isNone(file)) return [] as ReadonlyArray<TableSchema>
    const text = yield* (yield* FileSystem).readFileString(file.value)
    return yield* Either.mapLeft(
      parseBigQuerySchemas(text),
      (error) => new UsageError({ message: `--schemas ${file.value}: ${error.message}` }),
    )
  })

/** --platform: an application Slipstream knows, or one the configuration defines metrics for. */
const checkPlatform = (platform: Option.Option<string>) =>
  Effect.gen(function* () {
    if (Option.isNone(platform)) return
    const { collection } = yield* ConfigRepository
    const known = [
      ...new Set([...platforms.map(({ appName }) => appName), ...collection.definitions.keys()]),
    ].sort()
    if (known.includes(platform.value)) return
    return yield* new UsageError({
      message: `--platform ${platform.value}: unknown platform${didYouMean(platform.value, known)}; known: ${known.join(", ")}`,
    })
  })

/** Under --strict a warning is an error: the file fails, its warnings listed as its errors. */
const strictly = (report: FileReport): FileReport =>
  report.warnings.length === 0
    ? report
    : { ...report, ok: false, errors: [...report.errors, ...report.warnings], warnings: [] }

const formatReport = (report: FileReport): string => {
  const resolvedAs = report.platform === undefined ? "" : `, resolved for ${report.platform}`
  const head = `${report.ok ? "OK  " : "FAIL"} ${report.file} [${report.role}${resolvedAs}]`
  const line = (label: string) => (entry: { path: string; message: string }) =>
    `       ${label}${entry.path === "" ? "" : `${entry.path}: `}${entry.message}`
  return [head, ...report.errors.map(line("")), ...report.warnings.map(line("warning: "))].join(
    "\n",
  )
}

export const validateConfigHandler = ({
  configRepos,
  json,
  strict,
  platform,
  sqlOutputDir,
  dryRun,
  schemas,
  files,
}: ValidateConfigOptions) =>
  Effect.gen(function* () {
    if (Option.isSome(schemas) && !dryRun) {
      return yield* new UsageError({ message: "--schemas applies to --dry-run" })
    }
    yield* checkPlatform(platform)
    const tables = yield* tablesOf(schemas)
    const validated = yield* validateConfigFiles(
      files,
      Option.match(platform, { onNone: () => ({}), onSome: (value) => ({ platform: value }) }),
    )
    const rehearsal =
      Option.isSome(sqlOutputDir) || dryRun
        ? yield* rehearseReports(validated, {
            sqlOutputDir,
            dryRun: dryRun ? Option.some(tables) : Option.none(),
          })
        : undefined
    const checked = rehearsal?.reports ?? validated
    const reports = strict ? checked.map(strictly) : checked
    const issue = ({ path, message }: { path: string; message: string }) => ({ path, message })
    if (json) {
      yield* Console.log(
        JSON.stringify(
          reports.map(({ file, role, ok, errors, warnings }) => ({
            file,
            role,
            ok,
            errors: errors.map(issue),
            warnings: warnings.map(issue),
          })),
          null,
          2,
        ),
      )
    } else {
      for (const report of reports) yield* Console.log(formatReport(report))
    }
    const failed = reports.filter((report) => !report.ok).length
    const warned = reports.reduce((total, report) => total + report.warnings.length, 0)
    yield* Console.error(
      `${reports.length - failed} valid, ${failed} invalid, ${warned} ${warned === 1 ? "warning" : "warnings"}${strict ? " (--strict: warnings are errors)" : ""}`,
    )
    if (rehearsal !== undefined && Option.isSome(sqlOutputDir)) {
      yield* Console.error(
        `SQL of ${rehearsal.rehearsed} experiment ${rehearsal.rehearsed === 1 ? "config" : "configs"} written to ${sqlOutputDir.value}`,
      )
    }
    if (rehearsal !== undefined && dryRun) {
      yield* Console.error(
        `${rehearsal.checked} statements of ${rehearsal.rehearsed} experiment ${rehearsal.rehearsed === 1 ? "config" : "configs"} checked by ZetaSQL (${rehearsal.mode === "analyze" ? "names and types" : "syntax only: --schemas to resolve names and types"})`,
      )
    }
    if (reports.some((report) => !report.ok)) yield* setExitCode(1)
  }).pipe(
    Effect.provide(ConfigRepository.fromDirectories(configRepos)),
    Effect.catchTags({
      UsageError: (error) =>
        Console.error(`slipstream validate-config: ${error.message}`).pipe(
          Effect.zipRight(setExitCode(2)),
        ),
      SqlAnalyzerUnavailable: (error) =>
        Console.error(`slipstream validate-config: ${error.message}`).pipe(
          Effect.zipRight(setExitCode(2)),
        ),
    }),
  )
