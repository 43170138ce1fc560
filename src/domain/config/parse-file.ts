import { parse, TomlError } from "smol-toml"
import type { DecodedFile } from "./collection.js"
import { type ConfigIssue, issue } from "./config-issue.js"
import {
  decodeAnalysisFile,
  decodeDefinitionsFile,
  decodeFunctionsFile,
  decodeOutcomeFile,
} from "./decode.js"
import { type FileRole, fileRoleOf } from "./file-role.js"

export interface ParsedConfigFile {
  readonly role: FileRole
  /** Absent when the file is not valid TOML. */
  readonly decoded?: DecodedFile
  readonly issues: ReadonlyArray<ConfigIssue>
}

/** Parses a metric-hub TOML file and decodes it according to the role its path gives it. */
export const parseConfigFile = (file: string, text: string): ParsedConfigFile => {
  const role = fileRoleOf(file)
  let toml: Record<string, unknown>
  try {
    toml = parse(text)
  } catch (error) {
    const where = error instanceof TomlError ? `line ${error.line}, column ${error.column}` : ""
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)
    return { role, issues: [issue(where, `not valid TOML: ${message}`)] }
  }
  switch (role.kind) {
    case "functions": {
      const { spec, issues } = decodeFunctionsFile(toml)
      return { role, decoded: { ...role, spec }, issues }
    }
    case "definitions": {
      const { spec, issues } = decodeDefinitionsFile(toml)
      return { role, decoded: { ...role, spec }, issues }
    }
    case "defaults": {
      const { spec, issues } = decodeAnalysisFile(toml)
      return { role, decoded: { ...role, spec }, issues }
    }
    case "outcome": {
      const { spec, issues } = decodeOutcomeFile(toml)
      return { role, decoded: { ...role, spec }, issues }
    }
    case "experiment": {
      const { spec, issues } = decodeAnalysisFile(toml)
      return { role, decoded: { ...role, spec }, issues }
    }
  }
}
