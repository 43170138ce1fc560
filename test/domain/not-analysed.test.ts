import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { Experiment } from "../../src/domain/experiment.js"
import {
  type AnalysisOverrides,
  checkAnalysable,
  EndedException,
  EnrollmentLongerThanAnalysis,
  EnrollmentNotComplete,
  ExplicitSkip,
  NoEnrollmentPeriod,
  NoSlug,
  NoStartDate,
  RolloutSkip,
  supportedApplications,
  UnsupportedApplication,
} from "../../src/domain/not-analysed.js"

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
  proposedEnrollment: 7,
  isRollout: false,
  outcomes: [],
  segments: [],
}
const { enrollmentEndDate: _, ...enrolling } = experiment
const { startDate: __, ...unlaunched } = experiment

/** The reason's tag and message, or undefined when the experiment is analysed. */
const reason = (subject: Experiment, config: AnalysisOverrides = {}, date = "2019-12-20") => {
  const result = checkAnalysable(subject, config, date)
  return Either.isLeft(result) ? { tag: result.left._tag, message: result.left.message } : undefined
}

describe("not-analysed reasons", () => {
  it("each say why, naming the experiment", () => {
    const cases = [
      [
        new NoSlug({ slug: "#3" }),
        "experiment #3 has no slug: results are named after slugs, so it is not analysed",
      ],
      [
        new NoStartDate({ slug: "x" }),
        "x has no start date: it has not launched, or set start_date in its config",
      ],
      [
        new NoEnrollmentPeriod({ slug: "x" }),
        "x has no enrollment period: it needs an enrollment end date or proposed enrollment in Experimenter, or enrollment_period in its config",
      ],
      [
        new NoEnrollmentPeriod({ slug: "x", enrollmentPeriod: -3 }),
        "x has an enrollment period of -3 days: its enrollment ends before it starts",
      ],
      [
        new EnrollmentNotComplete({ slug: "x", date: "2019-12-20" }),
        "x is still enrolling on 2019-12-20: Experimenter has no enrollment end date for it yet (set enrollment_period in its config to analyse it now)",
      ],
      [
        new EnrollmentNotComplete({
          slug: "x",
          date: "2019-12-05",
          startDate: "2019-12-01",
          lastEnrollmentDate: "2019-12-08",
        }),
        "x is still enrolling on 2019-12-05: enrollment runs from 2019-12-01 through 2019-12-08, when its first window is due",
      ],
      [
        new EnrollmentNotComplete({
          slug: "x",
          date: "2019-11-25",
          startDate: "2019-12-01",
          lastEnrollmentDate: "2019-12-08",
        }),
        "x has not started on 2019-11-25: enrollment runs from 2019-12-01 through 2019-12-08, when its first window is due",
      ],
      [
        new EndedException({ slug: "x", endDate: "2020-01-15", date: "2020-01-16" }),
        "x ended on 2020-01-15, before 2020-01-16: nothing is left to analyse",
      ],
      [new ExplicitSkip({ slug: "x" }), "x is skipped by its config (skip = true)"],
      [
        new RolloutSkip({ slug: "x" }),
        "x is a rollout: rollouts have no control branch to compare with and are not analysed",
      ],
      [
        new UnsupportedApplication({ slug: "x", appName: "thunderbird" }),
        'x runs on "thunderbird", which Slipstream does not analyse (supported: firefox_desktop, fenix, focus_android, klar_android, firefox_ios, focus_ios, klar_ios, monitor_cirrus)',
      ],
      [
        new EnrollmentLongerThanAnalysis({ slug: "x", enrollmentPeriod: 7, experimentLength: 4 }),
        "x enrolls for 7 days but runs for only 4 days (end date − start date): no analysis window follows enrollment; check its dates or enrollment_period",
      ],
    ] as const
    for (const [error, message] of cases) expect(error.message).toBe(message)
    expect(new Set(cases.map(([error]) => error._tag)).size).toBe(9)
  })

  it("list the supported applications", () => {
    expect(supportedApplications).toEqual([
      "firefox_desktop",
      "fenix",
      "focus_android",
      "klar_android",
      "firefox_ios",
      "focus_ios",
      "klar_ios",
      "monitor_cirrus",
    ])
  })
})

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

  it("analyses from the last enrollment date through the end date", () => {
    expect(reason(experiment, {}, "2019-12-08")).toBeUndefined()
    expect(reason(experiment, {}, "2020-01-15")).toBeUndefined()
  })

  it("refuses an experiment without a slug", () => {
    expect(reason({ ...experiment, slug: " " })).toEqual({
      tag: "NoSlug",
      message:
        "experiment unknown has no slug: results are named after slugs, so it is not analysed",
    })
  })

  it("skips what the config says to skip", () => {
    expect(reason(experiment, { skip: true })?.tag).toBe("ExplicitSkip")
    expect(reason(experiment, { skip: false })).toBeUndefined()
  })

  it("needs a start date, from Experimenter or the config", () => {
    expect(reason(unlaunched)).toEqual({
      tag: "NoStartDate",
      message: "checked has no start date: it has not launched, or set start_date in its config",
    })
    expect(reason(unlaunched, { startDate: "2019-12-01", enrollmentPeriod: 7 })).toBeUndefined()
  })

  it("needs an enrollment period that is not negative", () => {
    const { proposedEnrollment: ___, ...unknownEnrollment } = enrolling
    expect(reason(unknownEnrollment)?.tag).toBe("NoEnrollmentPeriod")
    expect(reason({ ...experiment, enrollmentEndDate: "2019-11-20" })).toEqual({
      tag: "NoEnrollmentPeriod",
      message: "checked has an enrollment period of -10 days: its enrollment ends before it starts",
    })
  })

  it("accepts an enrollment of 0 days", () => {
    expect(checkAnalysable(experiment, { enrollmentPeriod: 0 }, "2019-12-01")).toEqual(
      Either.right({
        startDate: "2019-12-01",
        endDate: "2020-01-15",
        enrollmentPeriod: 0,
        lastEnrollmentDate: "2019-12-01",
      }),
    )
  })

  it("stops after the end date", () => {
    expect(reason(experiment, {}, "2020-01-16")).toEqual({
      tag: "EndedException",
      message: "checked ended on 2020-01-15, before 2020-01-16: nothing is left to analyse",
    })
    expect(reason(experiment, { endDate: "2020-02-01" }, "2020-01-16")).toBeUndefined()
  })

  it("does not analyse rollouts", () => {
    expect(reason({ ...experiment, isRollout: true })?.tag).toBe("RolloutSkip")
  })

  it("analyses only supported applications", () => {
    expect(reason({ ...experiment, appName: "thunderbird" })?.tag).toBe("UnsupportedApplication")
    for (const appName of supportedApplications) {
      expect(reason({ ...experiment, appName })).toBeUndefined()
    }
  })

  it("waits for Experimenter's enrollment end date unless the config sets the period", () => {
    expect(reason(enrolling)).toEqual({
      tag: "EnrollmentNotComplete",
      message:
        "checked is still enrolling on 2019-12-20: Experimenter has no enrollment end date for it yet (set enrollment_period in its config to analyse it now)",
    })
    expect(reason(enrolling, { enrollmentPeriod: 7 })).toBeUndefined()
  })

  it("says enrollment is not complete before the last enrollment date", () => {
    expect(reason(experiment, {}, "2019-12-07")).toEqual({
      tag: "EnrollmentNotComplete",
      message:
        "checked is still enrolling on 2019-12-07: enrollment runs from 2019-12-01 through 2019-12-08, when its first window is due",
    })
    expect(reason(experiment, {}, "2019-11-01")?.message).toMatch(
      /^checked has not started on 2019-11-01/,
    )
  })

  it("refuses an enrollment longer than the experiment, on any date", () => {
    const short = { ...experiment, endDate: "2019-12-05" }
    const expected = {
      tag: "EnrollmentLongerThanAnalysis",
      message:
        "checked enrolls for 7 days but runs for only 4 days (end date − start date): no analysis window follows enrollment; check its dates or enrollment_period",
    }
    expect(reason(short, {}, "2019-12-02")).toEqual(expected)
    expect(reason(short, {}, "2019-12-05")).toEqual(expected)
    // Enrollment as long as the experiment leaves day window 1, due on the end date.
    expect(reason({ ...experiment, endDate: "2019-12-08" }, {}, "2019-12-08")).toBeUndefined()
  })

  it("checks in Jetstream's order", () => {
    const everything: Experiment = {
      ...enrolling,
      isRollout: true,
      appName: "thunderbird",
      endDate: "2019-12-10",
    }
    expect(reason({ ...everything, slug: "" }, { skip: true })?.tag).toBe("NoSlug")
    expect(reason(everything, { skip: true })?.tag).toBe("ExplicitSkip")
    const { startDate: ____, ...everythingUnlaunched } = everything
    expect(reason(everythingUnlaunched)?.tag).toBe("NoStartDate")
    expect(reason({ ...everything, proposedEnrollment: -1 })?.tag).toBe("NoEnrollmentPeriod")
    expect(reason(everything, {}, "2019-12-11")?.tag).toBe("EndedException")
    expect(reason(everything, {}, "2019-12-10")?.tag).toBe("RolloutSkip")
    expect(reason({ ...everything, isRollout: false }, {}, "2019-12-10")?.tag).toBe(
      "UnsupportedApplication",
    )
    const fenix = { ...everything, isRollout: false, appName: "fenix" }
    expect(reason(fenix, {}, "2019-12-10")?.tag).toBe("EnrollmentNotComplete")
    expect(reason(fenix, { enrollmentPeriod: 14 }, "2019-12-10")?.tag).toBe(
      "EnrollmentLongerThanAnalysis",
    )
    expect(reason(fenix, { enrollmentPeriod: 3 }, "2019-12-03")?.tag).toBe("EnrollmentNotComplete")
    expect(reason(fenix, { enrollmentPeriod: 3 }, "2019-12-04")).toBeUndefined()
  })
})
