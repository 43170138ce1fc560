import { describe, expect, it } from "@effect/vitest"
import { consolidateProblems } from "../../src/pipeline/consolidate-problems.js"
import { type Problem, type ProblemPlace, problemAt } from "../../src/pipeline/problem.js"

const recordedBy = { filename: "src/pipeline/summaries.ts", funcName: "summariseWindow" }
const at = (place: ProblemPlace, message: string, level: Problem["level"] = "WARNING") =>
  problemAt(
    {
      experiment: "exp",
      period: "week",
      windowIndex: 1,
      metric: "m",
      statistic: "deciles",
      ...place,
    },
    { message, exceptionType: level === "ERROR" ? "SummaryComputationError" : "Warning", level },
    recordedBy,
    new Date(`2026-10-13T01:00:0${place.segment === "all" ? 0 : 1}Z`),
  )

describe("consolidated problems", () => {
  it("merge one message seen in every segment and basis into one problem that names them", () => {
    const problems = ["all", "new_users"].flatMap((segment) =>
      (["enrollments", "exposures"] as const).map((analysisBasis) =>
        at({ segment, analysisBasis }, "branch treatment has no clients: left out"),
      ),
    )
    const [merged, ...rest] = consolidateProblems(problems)
    expect(rest).toEqual([])
    expect(merged).toMatchObject({
      segment: null,
      analysisBasis: null,
      metric: "m",
      statistic: "deciles",
      windowIndex: 1,
      timestamp: "2026-10-13T01:00:00.000Z",
      message:
        "branch treatment has no clients: left out (segments all, new_users; bases enrollments, exposures)",
    })
  })

  it("keep each distinct message with the places it was seen, and keep a lone problem as it is", () => {
    const problems = [
      at({ segment: "all", analysisBasis: "enrollments" }, "branch a: 3 of 10 clients left out"),
      at(
        { segment: "new_users", analysisBasis: "enrollments" },
        "branch a: 1 of 4 clients left out",
      ),
      at({ segment: "all", analysisBasis: "enrollments", metric: "other" }, "alone"),
    ]
    const merged = consolidateProblems(problems)
    expect(merged.map(({ message }) => message)).toEqual([
      "branch a: 3 of 10 clients left out (segment all; basis enrollments); branch a: 1 of 4 clients left out (segment new_users; basis enrollments)",
      "alone",
    ])
    expect(merged[0]?.analysisBasis).toBe("enrollments")
    expect(merged[1]).toEqual(problems[2])
  })

  it("never merge across windows, metrics, statistics or levels", () => {
    const problems = [
      at({ segment: "all" }, "x"),
      at({ segment: "all", windowIndex: 2 }, "x"),
      at({ segment: "all", statistic: "mean" }, "x"),
      at({ segment: "all", metric: "n" }, "x"),
      at({ segment: "all" }, "x", "ERROR"),
    ]
    expect(consolidateProblems(problems)).toHaveLength(5)
  })

  it("spell out at most twelve messages and count the rest", () => {
    const problems = Array.from({ length: 15 }, (_, index) =>
      at({ segment: `s${index}`, analysisBasis: "enrollments" }, `message ${index}`),
    )
    const [merged] = consolidateProblems(problems)
    expect(merged?.message).toMatch(/^message 0 \(segment s0; basis enrollments\); message 1 /)
    expect(merged?.message).toMatch(/message 11 \(segment s11; basis enrollments\); and 3 more$/)
  })
})
