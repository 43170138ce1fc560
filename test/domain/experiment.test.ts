import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import {
  decodeExperiment,
  decodeExperiments,
  type Experiment,
  ExperimentRecordError,
} from "../../src/domain/experiment.js"

/** Records shaped like /api/v8/experiments/, valid ones among invalid ones. */
const records: unknown = JSON.parse(
  readFileSync(new URL("../fixtures/experimenter/v8-experiments.json", import.meta.url), "utf8"),
)

const errorFields = (errors: ReadonlyArray<ExperimentRecordError>) =>
  errors.map(({ _tag, index, slug, message }) => ({ _tag, index, slug, message }))

const messageOf = (record: unknown): string | undefined => {
  const decoded = decodeExperiment(record)
  return Either.isLeft(decoded) ? decoded.left.message : undefined
}

const minimal = { slug: "minimal", branches: [{ slug: "control", ratio: 1 }] }

describe("decodeExperiments", () => {
  it("keeps the valid experiments of a list, in order", () => {
    const { experiments } = decodeExperiments(records)
    expect(experiments.map((experiment) => experiment.slug)).toEqual([
      "pin-to-taskbar-spotlight",
      "live-mobile",
      "old-desktop-rollout",
    ])
  })

  it("gives one error per invalid record, naming its position, slug and field", () => {
    const { errors } = decodeExperiments(records)
    expect(errors.every((error) => error instanceof ExperimentRecordError)).toBe(true)
    expect(errorFields(errors)).toEqual([
      {
        _tag: "ExperimentRecordError",
        index: 1,
        slug: "no-branches",
        message:
          'experiment #1 ("no-branches"): branches is empty: an experiment needs at least one branch',
      },
      {
        _tag: "ExperimentRecordError",
        index: 2,
        slug: undefined,
        message: "experiment #2: slug is null, expected a string",
      },
      {
        _tag: "ExperimentRecordError",
        index: 3,
        slug: "bad-date",
        message: 'experiment #3 ("bad-date"): startDate "2019-13-01" is not a date',
      },
      {
        _tag: "ExperimentRecordError",
        index: 4,
        slug: undefined,
        message: 'experiment #4: a record must be an object, got "not an experiment"',
      },
      {
        _tag: "ExperimentRecordError",
        index: 6,
        slug: "many-problems",
        message:
          'experiment #6 ("many-problems"): branches[0].ratio is "1", expected a number; endDate "2020-02-30T00:00:00Z" is not a date; proposedEnrollment is 7.5, expected a whole number; isRollout is "no", expected true or false',
      },
    ])
  })

  it("reads a full v8 record into the domain's words, ignoring fields it does not use", () => {
    const { experiments } = decodeExperiments(records)
    const expected: Experiment = {
      slug: "pin-to-taskbar-spotlight",
      name: "Pin to taskbar spotlight",
      appName: "firefox_desktop",
      appId: "firefox-desktop",
      channel: "release",
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
      outcomes: ["search_monetization", "onboarding"],
      segments: ["new_users"],
    }
    expect(experiments[0]).toStrictEqual(expected)
  })

  it("reads nulls and empty names as absent, and date-times as their UTC date", () => {
    const { experiments } = decodeExperiments(records)
    const expected: Experiment = {
      slug: "live-mobile",
      appName: "fenix",
      appId: "org.mozilla.firefox",
      branches: [
        { slug: "control", ratio: 1 },
        { slug: "treatment", ratio: 1 },
      ],
      referenceBranch: "control",
      startDate: "2020-03-01",
      proposedEnrollment: 14,
      isRollout: false,
      isEnrollmentPaused: false,
      randomizationUnit: "nimbus_id",
      outcomes: [],
      segments: [],
    }
    expect(experiments[1]).toStrictEqual(expected)
  })

  it("assumes desktop and a ratio of 1 where Experimenter leaves them out, as Jetstream does", () => {
    const { experiments } = decodeExperiments(records)
    expect(experiments[2]).toMatchObject({
      slug: "old-desktop-rollout",
      appName: "firefox_desktop",
      branches: [{ slug: "rollout", ratio: 1 }],
      isRollout: true,
    })
    expect(experiments[2]).not.toHaveProperty("appId")
  })

  it("refuses a value that is not a list with a single error", () => {
    for (const notAList of [{ slug: "x" }, null, "experiments"]) {
      const { experiments, errors } = decodeExperiments(notAList)
      expect(experiments).toEqual([])
      expect(errors).toHaveLength(1)
      expect(errors[0]?.index).toBeUndefined()
    }
    expect(decodeExperiments({ slug: "x" }).errors[0]?.message).toBe(
      "the experiments must be a list of records, got an object",
    )
  })

  it("reads an empty list as no experiments and no errors", () => {
    expect(decodeExperiments([])).toEqual({ experiments: [], errors: [] })
  })
})

describe("decodeExperiment", () => {
  it("decodes a minimal record", () => {
    expect(decodeExperiment(minimal)).toEqual(
      Either.right({
        slug: "minimal",
        appName: "firefox_desktop",
        branches: [{ slug: "control", ratio: 1 }],
        isRollout: false,
        outcomes: [],
        segments: [],
      }),
    )
  })

  it("labels a single record by its slug alone, and carries no index", () => {
    const decoded = decodeExperiment({ slug: "lonely" })
    expect(Either.isLeft(decoded) && decoded.left.index).toBe(undefined)
    expect(messageOf({ slug: "lonely" })).toBe('experiment ("lonely"): branches is missing')
  })

  it("names a missing or blank slug", () => {
    expect(messageOf({ branches: minimal.branches })).toBe("experiment: slug is missing")
    expect(messageOf({ ...minimal, slug: "  " })).toBe("experiment: slug is empty")
    expect(messageOf({ ...minimal, slug: 42 })).toBe("experiment: slug is 42, expected a string")
  })

  it("names what is wrong inside branches, outcomes and the bucket config", () => {
    expect(messageOf({ ...minimal, branches: "control" })).toBe(
      'experiment ("minimal"): branches is "control", expected a list',
    )
    expect(messageOf({ ...minimal, branches: [{ ratio: 1 }, { slug: "", ratio: -1 }] })).toBe(
      'experiment ("minimal"): branches[0].slug is missing; branches[1].slug is empty; branches[1].ratio is -1, expected a non-negative number',
    )
    expect(messageOf({ ...minimal, outcomes: [{ priority: "primary" }] })).toBe(
      'experiment ("minimal"): outcomes[0].slug is missing',
    )
    expect(messageOf({ ...minimal, bucketConfig: "nimbus_id" })).toBe(
      'experiment ("minimal"): bucketConfig is "nimbus_id", expected an object',
    )
  })

  it("rejects every date field that is not a date", () => {
    expect(messageOf({ ...minimal, endDate: "2020-02-30" })).toBe(
      'experiment ("minimal"): endDate "2020-02-30" is not a date',
    )
    expect(messageOf({ ...minimal, enrollmentEndDate: "soon" })).toBe(
      'experiment ("minimal"): enrollmentEndDate "soon" is not a date',
    )
    expect(messageOf({ ...minimal, startDate: 20191201 })).toBe(
      'experiment ("minimal"): startDate is 20191201, expected a string',
    )
  })

  it("refuses records that are not objects", () => {
    expect(messageOf(null)).toBe("experiment: a record must be an object, got null")
    expect(messageOf([minimal])).toBe("experiment: a record must be an object, got a list")
    expect(messageOf(7)).toBe("experiment: a record must be an object, got 7")
  })

  it("keeps bucketConfig's randomization unit and nothing else of it", () => {
    const decoded = decodeExperiment({
      ...minimal,
      bucketConfig: { randomizationUnit: "normandy_id", namespace: "n", start: 0, count: 1 },
    })
    expect(Either.getOrUndefined(decoded)?.randomizationUnit).toBe("normandy_id")
    const withoutUnit = decodeExperiment({ ...minimal, bucketConfig: { randomizationUnit: null } })
    expect(Either.getOrUndefined(withoutUnit)).not.toHaveProperty("randomizationUnit")
  })
})
