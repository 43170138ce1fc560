import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { decodeExperiment, decodeExperiments } from "../../src/domain/experiment.js"

const records: unknown = JSON.parse(
  readFileSync(new URL("../fixtures/experimenter/v8-experiments.json", import.meta.url), "utf8"),
)

describe("decodeExperiments", () => {
  it("keeps the valid experiments and gives one clear error per invalid record", () => {
    const { experiments, errors } = decodeExperiments(records)
    expect(experiments.map((experiment) => experiment.slug)).toEqual([
      "pin-to-taskbar-spotlight",
      "live-mobile",
    ])
    expect(errors.map(({ index, slug, message }) => ({ index, slug, message }))).toEqual([
      {
        index: 1,
        slug: "no-slug-next",
        message: 'experiment #1 ("no-slug-next"): has no branches',
      },
      { index: 2, slug: undefined, message: "experiment #2: slug expected a string, got null" },
      {
        index: 3,
        slug: "bad-date",
        message: 'experiment #3 ("bad-date"): startDate "2020-02-30" is not a date',
      },
      {
        index: 4,
        slug: undefined,
        message: 'experiment #4: expected an object, got "not an experiment"',
      },
    ])
  })

  it("reads a full v8 record into the domain's words", () => {
    const { experiments } = decodeExperiments(records)
    expect(experiments[0]).toEqual({
      slug: "pin-to-taskbar-spotlight",
      name: "Pin to taskbar spotlight",
      appName: "firefox_desktop",
      appId: "firefox-desktop",
      branches: [
        { slug: "control", ratio: 1 },
        { slug: "treatment-a", ratio: 1 },
        { slug: "treatment-b", ratio: 2 },
      ],
      referenceBranch: "control",
      startDate: "2019-12-01",
      endDate: "2020-01-15",
      enrollmentEndDate: "2019-12-07",
      proposedEnrollment: 7,
      isRollout: false,
      isEnrollmentPaused: true,
      randomizationUnit: "group_id",
      outcomes: ["search_monetization"],
      segments: ["new_users"],
    })
    expect(experiments[1]).toMatchObject({
      slug: "live-mobile",
      startDate: "2020-03-01",
      isEnrollmentPaused: false,
      outcomes: [],
      segments: [],
    })
    expect(experiments[1]).not.toHaveProperty("endDate")
  })

  it("assumes desktop when Experimenter gives no application, as Jetstream does", () => {
    const decoded = decodeExperiment({ slug: "old", branches: [{ slug: "control" }] })
    expect(decoded).toEqual(
      Either.right({
        slug: "old",
        appName: "firefox_desktop",
        branches: [{ slug: "control", ratio: 1 }],
        isRollout: false,
        outcomes: [],
        segments: [],
      }),
    )
  })

  it("refuses something that is not a list", () => {
    expect(decodeExperiments({ slug: "x" }).errors.map((error) => error.message)).toEqual([
      "expected a list of experiments",
    ])
  })
})
