import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { Experiment } from "../../src/domain/experiment.js"
import { type AnalysisOverrides, checkAnalysable } from "../../src/domain/not-analysed.js"

const experiment: Experiment = {
  slug: "checked",
  appName: "fenix",
  branches: [
    { slug: "control", ratio: 1 },
    { slug: "treatment", ratio: 1 },
  ],
  startDate: "2019-12-01",
  enrollmentEndDate: "2019-12-07",
  endDate: "2020-01-15",
  isRollout: false,
  outcomes: [],
  segments: [],
}

const reason = (subject: Experiment, config: AnalysisOverrides = {}, date = "2019-12-20") => {
  const result = checkAnalysable(subject, config, date)
  return Either.isLeft(result) ? { tag: result.left._tag, message: result.left.message } : undefined
}

describe("checkAnalysable", () => {
  it("gives the schedule of an analysable experiment", () => {
    expect(checkAnalysable(experiment, {}, "2019-12-20")).toEqual(
      Either.right({
        startDate: "2019-12-01",
        endDate: "2020-01-15",
        enrollmentPeriod: 7,
        lastEnrollmentDate: "2019-12-08",
      }),
    )
  })

  it("names every reason an experiment is not analysed, with its slug", () => {
    expect(reason({ ...experiment, slug: "" })).toEqual({
      tag: "NoSlug",
      message: "the experiment has no slug, so nothing can be named after it",
    })
    expect(reason(experiment, { skip: true })).toEqual({
      tag: "ExplicitSkip",
      message: "checked is skipped by its config (skip = true)",
    })
    const { enrollmentEndDate: _, ...open } = experiment
    expect(reason(open)?.tag).toBe("NoEnrollmentPeriod")
    expect(reason({ ...open, proposedEnrollment: 7 })).toEqual({
      tag: "EnrollmentNotComplete",
      message:
        "checked is still enrolling (no enrollment end date): it is analysed once enrollment ends, or set enrollment_period in its config",
    })
    expect(
      checkAnalysable({ ...open, proposedEnrollment: 7 }, { enrollmentPeriod: 7 }, "2019-12-20")
        ._tag,
    ).toBe("Right")
    const { startDate: __, ...unlaunched } = experiment
    expect(reason(unlaunched, { enrollmentPeriod: 7 })).toEqual({
      tag: "NoStartDate",
      message: "checked has no start date: it has not launched",
    })
    expect(reason(experiment, {}, "2020-01-16")).toEqual({
      tag: "Ended",
      message: "checked ended on 2020-01-15, before 2020-01-16: nothing is left to analyse",
    })
    expect(reason({ ...experiment, isRollout: true })?.tag).toBe("RolloutSkip")
    expect(reason({ ...experiment, appName: "thunderbird" })).toEqual({
      tag: "UnsupportedApplication",
      message: expect.stringMatching(
        /^checked runs on "thunderbird", which Slipstream does not analyse \(supported: firefox_desktop, fenix/,
      ),
    })
    expect(reason({ ...experiment, endDate: "2019-12-05" }, {}, "2019-12-05")).toEqual({
      tag: "EnrollmentLongerThanAnalysis",
      message:
        "checked enrolls for 7 days but runs only 4 days in all: there is no analysis window after enrollment",
    })
  })

  it("checks in Jetstream's order: skip before dates, ended before rollout", () => {
    expect(reason({ ...experiment, isRollout: true }, { skip: true })?.tag).toBe("ExplicitSkip")
    expect(reason({ ...experiment, isRollout: true }, {}, "2020-02-01")?.tag).toBe("Ended")
  })
})
