import { describe, expect, it } from "@effect/vitest"
import type { Experiment } from "../../src/domain/experiment.js"
import { experimentSchedule } from "../../src/domain/experiment-schedule.js"
import { dueWindows } from "../../src/domain/readiness.js"

const experiment: Experiment = {
  slug: "known-case",
  appName: "firefox_desktop",
  branches: [
    { slug: "control", ratio: 1 },
    { slug: "treatment", ratio: 1 },
  ],
  startDate: "2019-12-01",
  enrollmentEndDate: "2019-12-07",
  endDate: "2020-03-01",
  isRollout: false,
  outcomes: [],
  segments: [],
}

const due = (date: string, overrides: Partial<Experiment> = {}, enrollmentPeriod?: number) =>
  dueWindows(
    experimentSchedule(
      { ...experiment, ...overrides },
      enrollmentPeriod === undefined ? {} : { enrollmentPeriod },
    ),
    date,
  ).map(({ window }) => `${window.period}#${window.index}[${window.start},${window.end}]`)

describe("experimentSchedule", () => {
  it("derives the enrollment period from the enrollment end date (known case)", () => {
    expect(experimentSchedule(experiment)).toEqual({
      startDate: "2019-12-01",
      endDate: "2020-03-01",
      enrollmentPeriod: 7,
      lastEnrollmentDate: "2019-12-08",
    })
  })

  it("prefers the config override, then the enrollment end date, then proposedEnrollment", () => {
    expect(experimentSchedule(experiment, { enrollmentPeriod: 3 }).lastEnrollmentDate).toBe(
      "2019-12-04",
    )
    const { enrollmentEndDate: _, ...withoutEnd } = experiment
    expect(experimentSchedule({ ...withoutEnd, proposedEnrollment: 14 }).enrollmentPeriod).toBe(14)
    expect(experimentSchedule(withoutEnd).enrollmentPeriod).toBeUndefined()
    expect(experimentSchedule(experiment, { startDate: "2019-12-03" }).enrollmentPeriod).toBe(5)
  })
})

describe("dueWindows", () => {
  it("is empty during enrollment and due for day window 1 on the last enrollment date", () => {
    expect(due("2019-12-07")).toEqual([])
    expect(due("2019-12-08")).toEqual(["day#1[0,0]"])
  })

  it("makes the pre-enrollment periods due the day after the last enrollment date", () => {
    expect(due("2019-12-09")).toEqual([
      "day#2[1,1]",
      "preenrollment_week#1[-7,-1]",
      "preenrollment_days28#1[-28,-1]",
    ])
  })

  it("makes week 1 due on 2019-12-14 and days28 1 on 2020-01-04 (known case)", () => {
    expect(due("2019-12-14")).toEqual(["day#7[6,6]", "week#1[0,6]"])
    expect(due("2019-12-21")).toEqual(["day#14[13,13]", "week#2[7,13]"])
    expect(due("2020-01-04")).toEqual(["day#28[27,27]", "week#4[21,27]", "days28#1[0,27]"])
  })

  it("makes overall due on the end date of an ended experiment, over the days after enrollment", () => {
    // 2020-03-01 − 2019-12-01 = 91 days, minus 7 of enrollment: [0, 83]. Like Jetstream,
    // overall reads data through the day before the end date; time series through the date.
    expect(due("2020-03-01")).toEqual(["day#85[84,84]", "overall#1[0,83]"])
    expect(due("2020-03-02")).toEqual([])
  })

  it("handles an enrollment of 0 days: enrollment on the start date only", () => {
    expect(due("2019-12-01", {}, 0)).toEqual(["day#1[0,0]"])
    expect(due("2019-12-02", {}, 0)).toEqual([
      "day#2[1,1]",
      "preenrollment_week#1[-7,-1]",
      "preenrollment_days28#1[-28,-1]",
    ])
    expect(due("2019-12-07", {}, 0)).toEqual(["day#7[6,6]", "week#1[0,6]"])
  })

  it("never makes due a window that would close after the end date", () => {
    // Ends 2019-12-20: week 2 would close on 2019-12-21.
    expect(due("2019-12-20", { endDate: "2019-12-20" })).toEqual([
      "day#13[12,12]",
      "overall#1[0,11]",
    ])
    expect(due("2019-12-21", { endDate: "2019-12-20" })).toEqual([])
  })

  it("has nothing due without a start date or an enrollment period, or before the start", () => {
    const { enrollmentEndDate: _, ...noEnrollmentEnd } = experiment
    expect(dueWindows(experimentSchedule(noEnrollmentEnd), "2019-12-08")).toEqual([])
    const { startDate: __, ...noStart } = experiment
    expect(dueWindows(experimentSchedule(noStart), "2019-12-08")).toEqual([])
    expect(due("2019-11-30")).toEqual([])
  })

  it("falls back to proposedEnrollment when there is no enrollment end date", () => {
    const { enrollmentEndDate: _, ...proposed } = experiment
    const schedule = experimentSchedule({ ...proposed, proposedEnrollment: 14 })
    expect(dueWindows(schedule, "2019-12-15").map(({ window }) => window)).toEqual([
      { period: "day", index: 1, start: 0, end: 0 },
    ])
  })

  it("does not make overall due when enrollment leaves no day to analyse", () => {
    expect(due("2019-12-08", { endDate: "2019-12-08" })).toEqual(["day#1[0,0]"])
  })
})
