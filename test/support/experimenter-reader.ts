import { existsSync, readdirSync, readFileSync } from "node:fs"
import * as Path from "node:path"
import { Ajv, type ValidateFunction } from "ajv"
import addFormats from "ajv-formats"

/**
 * What Mozilla's Experimenter requires of a published folder before it shows an experiment:
 * the JSON Schemas of ../shared/reference/schemas that type published files (copies in
 * test/fixtures/schemas; NimbusExperiment types Experimenter's input, not ours) and the
 * rules its pydantic reader adds (../shared/reference/experimenter-reader.md). One violation
 * in a file and Experimenter drops that experiment's results, so each is listed with its file.
 */

export const schemaFolder = new URL("../fixtures/schemas/", import.meta.url)
export const schemaNames = [
  "AnalysisErrors_v1.0.json",
  "Metadata_v1.0.json",
  "Statistics_v1.0.json",
] as const

export const readSchema = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(name, schemaFolder), "utf8"))

const ajv = new Ajv({ allErrors: true, strict: false })
addFormats.default(ajv)
const validators = new Map<string, ValidateFunction>()
export const validatorFor = (name: (typeof schemaNames)[number]): ValidateFunction => {
  const known = validators.get(name)
  if (known !== undefined) return known
  const compiled = ajv.compile(readSchema(name) as object)
  validators.set(name, compiled)
  return compiled
}

const isHttpUrl = (text: unknown): boolean => {
  if (typeof text !== "string") return false
  try {
    const url = new URL(text)
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== ""
  } catch {
    return false
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const schemaViolations = (name: (typeof schemaNames)[number], data: unknown) => {
  const validate = validatorFor(name)
  return validate(data)
    ? []
    : (validate.errors ?? []).slice(0, 5).map((error) => `${error.instancePath} ${error.message}`)
}

const errorsViolations = (entries: unknown): ReadonlyArray<string> => {
  const found = [...schemaViolations("AnalysisErrors_v1.0.json", entries)]
  if (!Array.isArray(entries)) return found
  entries.forEach((entry, index) => {
    for (const field of ["filename", "func_name", "log_level", "message", "timestamp"]) {
      if (!isRecord(entry) || typeof entry[field] !== "string" || entry[field] === "") {
        found.push(`entry ${index}: ${field} missing or empty`)
      }
    }
  })
  return found
}

const metadataViolations = (metadata: unknown): ReadonlyArray<string> => {
  const found = [...schemaViolations("Metadata_v1.0.json", metadata)]
  if (!isRecord(metadata)) return found
  const external = metadata.external_config
  if (external !== undefined && external !== null) {
    if (!isRecord(external) || !isHttpUrl(external.url)) {
      found.push(
        `external_config.url is not an absolute http(s) URL: ${JSON.stringify(isRecord(external) ? external.url : external)}`,
      )
    }
  }
  for (const [slug, metric] of Object.entries(isRecord(metadata.metrics) ? metadata.metrics : {})) {
    if (
      !isRecord(metric) ||
      !Array.isArray(metric.analysis_bases) ||
      typeof metric.bigger_is_better !== "boolean"
    ) {
      found.push(`metrics.${slug}: analysis_bases (list) and bigger_is_better (bool) are required`)
    }
  }
  return found
}

const rowKey = (row: Record<string, unknown>) =>
  JSON.stringify(
    [
      "metric",
      "statistic",
      "branch",
      "parameter",
      "comparison",
      "comparison_to_branch",
      "ci_width",
      "segment",
      "analysis_basis",
      "window_index",
    ].map((field) => row[field] ?? null),
  )

const isNumberOrNull = (value: unknown) =>
  value === undefined || value === null || (typeof value === "number" && Number.isFinite(value))

const statisticsViolations = (rows: unknown): ReadonlyArray<string> => {
  const found = [...schemaViolations("Statistics_v1.0.json", rows)]
  if (!Array.isArray(rows)) return found
  const seen = new Set<string>()
  const populations = new Set<string>()
  const places = new Set<string>()
  rows.forEach((row, index) => {
    if (!isRecord(row)) {
      found.push(`row ${index}: not an object`)
      return
    }
    for (const field of ["metric", "statistic", "branch"]) {
      if (typeof row[field] !== "string") found.push(`row ${index}: ${field} missing`)
    }
    if (!(row.window_index === null || typeof row.window_index === "string")) {
      found.push(`row ${index}: window_index must be a string or null`)
    }
    if (row.ci_width !== undefined && row.ci_width !== null) {
      if (typeof row.ci_width !== "number" || row.ci_width < 0 || row.ci_width > 1) {
        found.push(`row ${index}: ci_width outside [0, 1]`)
      }
    }
    for (const field of ["point", "lower", "upper"]) {
      if (!isNumberOrNull(row[field])) found.push(`row ${index}: ${field} is not a number or null`)
    }
    if (
      !(row.parameter === undefined || row.parameter === null || typeof row.parameter === "number")
    ) {
      found.push(`row ${index}: parameter must be a number or null`)
    }
    const key = rowKey(row)
    if (seen.has(key)) found.push(`row ${index}: duplicate of an earlier row ${key}`)
    seen.add(key)
    const place = JSON.stringify([
      row.branch,
      row.segment ?? "all",
      row.analysis_basis,
      row.window_index,
    ])
    places.add(place)
    if (
      row.metric === "identity" &&
      row.statistic === "count" &&
      (row.comparison ?? null) === null
    ) {
      populations.add(place)
    }
  })
  for (const place of places) {
    if (!populations.has(place))
      found.push(`no identity count row for (branch, segment, basis, window) ${place}`)
  }
  return found
}

/** Every violation in a published folder, as `path: what`; empty when Experimenter accepts it all. */
export const experimenterReaderViolations = (folder: string): ReadonlyArray<string> => {
  const inFolder = (sub: string) =>
    existsSync(Path.join(folder, sub))
      ? readdirSync(Path.join(folder, sub))
          .filter((name) => name.endsWith(".json"))
          .map((name) => Path.join(sub, name))
      : []
  const checks: ReadonlyArray<readonly [string, (data: unknown) => ReadonlyArray<string>]> = [
    ...inFolder("errors").map((path) => [path, errorsViolations] as const),
    ...inFolder("metadata").map((path) => [path, metadataViolations] as const),
    ...inFolder("statistics").map((path) => [path, statisticsViolations] as const),
  ]
  return checks.flatMap(([path, check]) => {
    const text = readFileSync(Path.join(folder, path), "utf8")
    if (/\bNaN\b|\bInfinity\b/.test(text)) return [`${path}: NaN or Infinity is not JSON`]
    return check(JSON.parse(text)).map((violation) => `${path}: ${violation}`)
  })
}

/** How many files of each kind a folder holds, for tests to say what they checked. */
export const publishedFileCounts = (folder: string) =>
  Object.fromEntries(
    ["errors", "metadata", "statistics"].map((sub) => [
      sub,
      existsSync(Path.join(folder, sub)) ? readdirSync(Path.join(folder, sub)).length : 0,
    ]),
  )
