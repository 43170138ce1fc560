import { describe, expect, it } from "@effect/vitest"
import type { Experiment } from "../../src/domain/experiment.js"
import {
  experimentLength,
  experimentSchedule,
  overallAnalysisLength,
} from "../../src/domain/experiment-schedule.js"

const experiment: Experiment = {
  slug: "known-case",
  appName: "firefox_desktop",
  branches: [
    { slug: "control", ratio: 1 },
    { slug: "treatment", ratio: 1 },
  ],
  referenceBranch: "control",
  startDate: "2019-12-01",
  enrollmentEndDate: "2019-12-07",
  endDate: "2020-03-01",
  proposedEnrollment: 14,
  isRollout: false,
  outcomes: [],
  segments: [],
}

const { enrollmentEndDate: _, ...stillEnrolling } = experiment

describe("experimentSchedule", () => {
  it("derives enrollment period 7 and last enrollment date 2019-12-08 (known case)", () => {
    expect(experimentSchedule(experiment)).toStrictEqual({
      startDate: "2019-12-01",
      endDate: "2020-03-01",
      enrollmentPeriod: 7,
      lastEnrollmentDate: "2019-12-08",
      referenceBranch: "control",
    })
  })

  it("prefers the config's enrollment period to the enrollment end date", () => {
    const schedule = experimentSchedule(experiment, { enrollmentPeriod: 3 })
    expect(schedule.enrollmentPeriod).toBe(3)
    expect(schedule.lastEnrollmentDate).toBe("2019-12-04")
  })

  it("falls back to proposedEnrollment without an enrollment end date", () => {
    const schedule = experimentSchedule(stillEnrolling)
    expect(schedule.enrollmentPeriod).toBe(14)
    expect(schedule.lastEnrollmentDate).toBe("2019-12-15")
  })

  it("has no enrollment period or last enrollment date when nothing gives one", () => {
    const { proposedEnrollment: __, ...unknownEnrollment } = stillEnrolling
    const schedule = experimentSchedule(unknownEnrollment)
    expect(schedule).not.toHaveProperty("enrollmentPeriod")
    expect(schedule).not.toHaveProperty("lastEnrollmentDate")
  })

  it("measures enrollment from the overridden start date", () => {
    const schedule = experimentSchedule(experiment, { startDate: "2019-12-03" })
    expect(schedule.startDate).toBe("2019-12-03")
    expect(schedule.enrollmentPeriod).toBe(5)
    expect(schedule.lastEnrollmentDate).toBe("2019-12-08")
  })

  it("takes the end date and reference branch from the config when it sets them", () => {
    const schedule = experimentSchedule(experiment, {
      endDate: "2020-01-31",
      referenceBranch: "treatment",
    })
    expect(schedule.endDate).toBe("2020-01-31")
    expect(schedule.referenceBranch).toBe("treatment")
  })

  it("reads an enrollment of 0 days as enrolling on the start date only", () => {
    const schedule = experimentSchedule(experiment, { enrollmentPeriod: 0 })
    expect(schedule.enrollmentPeriod).toBe(0)
    expect(schedule.lastEnrollmentDate).toBe("2019-12-01")
    const sameDay = experimentSchedule({ ...experiment, enrollmentEndDate: "2019-11-30" })
    expect(sameDay.enrollmentPeriod).toBe(0)
  })

  it("has no dates without a start date, but keeps the others", () => {
    const { startDate: __, ...unlaunched } = experiment
    expect(experimentSchedule(unlaunched)).toStrictEqual({
      endDate: "2020-03-01",
      enrollmentPeriod: 14,
      referenceBranch: "control",
    })
  })
})

describe("experiment and overall analysis lengths", () => {
  it("are end − start, and that minus the enrollment period", () => {
    const schedule = experimentSchedule(experiment)
    expect(experimentLength(schedule)).toBe(91)
    expect(overallAnalysisLength(schedule)).toBe(84)
  })

  it("go negative when enrollment outlasts the experiment", () => {
    const schedule = experimentSchedule({ ...experiment, endDate: "2019-12-05" })
    expect(experimentLength(schedule)).toBe(4)
    expect(overallAnalysisLength(schedule)).toBe(-3)
  })

  it("are unknown without an end date", () => {
    const { endDate: __, ...live } = experiment
    expect(experimentLength(experimentSchedule(live))).toBeUndefined()
    expect(overallAnalysisLength(experimentSchedule(live))).toBeUndefined()
  })
})
