import { existsSync, readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { readSchema, schemaNames } from "../support/experimenter-reader.js"

/** ../shared/reference/schemas: the formats as the team agreed them (CI has the folder). */
const shared = new URL("../../../shared/reference/schemas/", import.meta.url)

describe("the schemas the published files are checked against", () => {
  it.skipIf(!existsSync(shared))("are the copies of ../shared/reference/schemas", () => {
    for (const name of schemaNames) {
      expect(readSchema(name), name).toEqual(
        JSON.parse(readFileSync(new URL(name, shared), "utf8")),
      )
    }
  })
})
