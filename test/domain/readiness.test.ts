import { describe, expect, it } from "@effect/vitest"
import type { Experiment } from "../../src/domain/experiment.js"
import { experimentSchedule, type ScheduleOverrides } from "../../src/domain/experiment-schedule.js"
import { dueWindows } from "../../src/domain/readiness.js"

/** The known case: start 2019-12-01, enrollment end 2019-12-07, so L = 2019-12-08. */
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

/** Due windows as `period#index[start,end]`, 1-based as in outputs. */
const due = (date: string, changes: Partial<Experiment> = {}, overrides: ScheduleOverrides = {}) =>
  dueWindows(experimentSchedule({ ...experiment, ...changes }, overrides), date).map(
    ({ window }) => `${window.period}#${window.index}[${window.start},${window.end}]`,
  )

describe("dueWindows (known case)", () => {
  it("has nothing due before the last enrollment date", () => {
    expect(due("2019-12-01")).toEqual([])
    expect(due("2019-12-03")).toEqual([])
    expect(due("2019-12-07")).toEqual([])
  })

  it("makes day window 1 due on 2019-12-08", () => {
    expect(dueWindows(experimentSchedule(experiment), "2019-12-08")).toEqual([
      {
        period: "day",
        window: { period: "day", index: 1, start: 0, end: 0 },
        analysisDate: "2019-12-08",
      },
    ])
  })

  it("makes the pre-enrollment periods due once, on 2019-12-09 (S + E + 1)", () => {
    expect(due("2019-12-09")).toEqual([
      "day#2[1,1]",
      "preenrollment_week#1[-7,-1]",
      "preenrollment_days28#1[-28,-1]",
    ])
    expect(due("2019-12-10")).toEqual(["day#3[2,2]"])
  })

  it("makes week window 1 due on 2019-12-14 and each next week 7 days later", () => {
    expect(due("2019-12-13")).toEqual(["day#6[5,5]"])
    expect(due("2019-12-14")).toEqual(["day#7[6,6]", "week#1[0,6]"])
    expect(due("2019-12-21")).toEqual(["day#14[13,13]", "week#2[7,13]"])
  })

  it("makes days28 window 1 due on 2020-01-04 and window 2 on 2020-02-01", () => {
    expect(due("2020-01-04")).toEqual(["day#28[27,27]", "week#4[21,27]", "days28#1[0,27]"])
    expect(due("2020-02-01")).toEqual(["day#56[55,55]", "week#8[49,55]", "days28#2[28,55]"])
  })

  it("makes overall due on the end date, over the days after enrollment", () => {
    // 2020-03-01 − 2019-12-01 = 91 days, minus 7 of enrollment: [0, 83]. As in Jetstream,
    // overall reads data through the day before the end date, time series through the date.
    expect(due("2020-03-01")).toEqual(["day#85[84,84]", "overall#1[0,83]"])
    expect(due("2020-02-29")).toEqual(["day#84[83,83]", "week#12[77,83]", "days28#3[56,83]"])
  })

  it("has nothing due after the end date", () => {
    expect(due("2020-03-02")).toEqual([])
    expect(due("2020-03-07")).toEqual([])
  })

  it("gives each due window the date it is due", () => {
    const dates = dueWindows(experimentSchedule(experiment), "2019-12-14").map(
      ({ period, analysisDate }) => `${period}@${analysisDate}`,
    )
    expect(dates).toEqual(["day@2019-12-14", "week@2019-12-14"])
  })
})

describe("dueWindows (edges)", () => {
  it("handles an enrollment of 0 days: clients enroll on the start date only", () => {
    const zero = { enrollmentPeriod: 0 }
    expect(due("2019-11-30", {}, zero)).toEqual([])
    expect(due("2019-12-01", {}, zero)).toEqual(["day#1[0,0]"])
    expect(due("2019-12-02", {}, zero)).toEqual([
      "day#2[1,1]",
      "preenrollment_week#1[-7,-1]",
      "preenrollment_days28#1[-28,-1]",
    ])
    expect(due("2019-12-07", {}, zero)).toEqual(["day#7[6,6]", "week#1[0,6]"])
    // Overall: all 91 days of the experiment follow enrollment.
    expect(due("2020-03-01", {}, zero)).toEqual(["day#92[91,91]", "overall#1[0,90]"])
  })

  it("never makes due a window that would close after the end date", () => {
    // Ends 2019-12-20: week 2 would close on 2019-12-21.
    expect(due("2019-12-20", { endDate: "2019-12-20" })).toEqual([
      "day#13[12,12]",
      "overall#1[0,11]",
    ])
    expect(due("2019-12-21", { endDate: "2019-12-20" })).toEqual([])
    // Ends 2019-12-10, before week 1 closes on 2019-12-14: no week window is ever due.
    const weeks = ["2019-12-08", "2019-12-09", "2019-12-10", "2019-12-14"].flatMap((date) =>
      due(date, { endDate: "2019-12-10" }).filter((window) => window.startsWith("week")),
    )
    expect(weeks).toEqual([])
  })

  it("falls back to proposedEnrollment without an enrollment end date", () => {
    const { enrollmentEndDate: _, ...proposed } = experiment
    const schedule = experimentSchedule({ ...proposed, proposedEnrollment: 14 })
    expect(dueWindows(schedule, "2019-12-14")).toEqual([])
    expect(dueWindows(schedule, "2019-12-15").map(({ window }) => window)).toEqual([
      { period: "day", index: 1, start: 0, end: 0 },
    ])
  })

  it("follows the config's enrollment period and start date", () => {
    expect(due("2019-12-04", {}, { enrollmentPeriod: 3 })).toEqual(["day#1[0,0]"])
    expect(due("2019-12-08", {}, { startDate: "2019-12-03" })).toEqual(["day#1[0,0]"])
    expect(due("2019-12-09", {}, { startDate: "2019-12-03" })).toEqual([
      "day#2[1,1]",
      "preenrollment_week#1[-7,-1]",
      "preenrollment_days28#1[-28,-1]",
    ])
  })

  it("has nothing due before the start date", () => {
    expect(due("2019-11-01")).toEqual([])
    expect(due("2019-11-30")).toEqual([])
  })

  it("has nothing due without a start date or an enrollment period", () => {
    const { enrollmentEndDate: _, ...noEnrollmentEnd } = experiment
    expect(dueWindows(experimentSchedule(noEnrollmentEnd), "2019-12-08")).toEqual([])
    const { startDate: __, ...noStart } = experiment
    expect(dueWindows(experimentSchedule(noStart, { enrollmentPeriod: 7 }), "2019-12-08")).toEqual(
      [],
    )
  })

  it("has nothing due when enrollment ends before it starts", () => {
    const backwards = { enrollmentEndDate: "2019-11-20" }
    for (const date of ["2019-11-20", "2019-11-21", "2019-12-01", "2019-12-08"]) {
      expect(due(date, backwards)).toEqual([])
    }
  })

  it("runs time series without end in an experiment that has no end date, and no overall", () => {
    const { endDate: _, ...live } = experiment
    const schedule = experimentSchedule(live)
    const late = dueWindows(schedule, "2020-06-20").map(({ window }) => window.period)
    expect(late).toEqual(["day", "week", "days28"])
    expect(dueWindows(schedule, "2020-06-20").at(-1)?.window.index).toBe(7)
  })

  it("does not make overall due when enrollment leaves no day to analyse", () => {
    // Enrollment lasts exactly as long as the experiment: day window 1 closes on the end date.
    expect(due("2019-12-08", { endDate: "2019-12-08" })).toEqual(["day#1[0,0]"])
    // Enrollment outlasts the experiment: nothing is ever due.
    expect(due("2019-12-05", { endDate: "2019-12-05" })).toEqual([])
  })
})
