import { Cause, Data, Exit, FiberId } from "effect"
import { describe, expect, it } from "vitest"
import { formatRunSummary } from "../../src/cli/run-summary-output.js"
import {
  debugRequested,
  describeUnexpected,
  exitStatusOf,
  signalExitCode,
  unexpectedFailureText,
} from "../../src/cli/stopping.js"
import type { IsoDate } from "../../src/domain/dates.js"
import type { RunEvent } from "../../src/pipeline/run-event.js"
import { interruptionOf, summariseRun } from "../../src/pipeline/run-summary.js"

const date = "2026-10-12" as IsoDate
const interrupted = Exit.failCause(Cause.interrupt(FiberId.none))

class Broken extends Data.TaggedError("Broken")<{ readonly message: string }> {}

describe("exit status", () => {
  it("is 128 + the signal's number when a signal stopped the command: 130, 143", () => {
    expect(signalExitCode("SIGINT")).toBe(130)
    expect(signalExitCode("SIGTERM")).toBe(143)
    expect(exitStatusOf(interrupted, "SIGTERM")).toBe(143)
    expect(exitStatusOf(interrupted, "SIGINT")).toBe(130)
    // A failure met while stopping is still the stop.
    const both = Exit.failCause(
      Cause.parallel(Cause.interrupt(FiberId.none), Cause.fail(new Broken({ message: "x" }))),
    )
    expect(exitStatusOf(both, "SIGTERM")).toBe(143)
  })

  it("is 70 for an unexpected failure, or an interruption no signal asked for", () => {
    expect(exitStatusOf(Exit.fail(new Broken({ message: "x" })), undefined)).toBe(70)
    expect(exitStatusOf(Exit.die(new TypeError("x")), "SIGTERM")).toBe(70)
    expect(exitStatusOf(interrupted, undefined)).toBe(70)
  })
})

describe("an unexpected failure", () => {
  it("is named in one line: its tag or class and the first line of its message", () => {
    expect(describeUnexpected(Cause.fail(new Broken({ message: "it broke\nat length" })))).toBe(
      "Broken: it broke",
    )
    expect(describeUnexpected(Cause.die(new RangeError("too far")))).toBe("RangeError: too far")
    expect(describeUnexpected(Cause.die("a string"))).toBe("a string")
    const line = unexpectedFailureText(Cause.die(new RangeError("too far")), false)
    expect(line).toBe(
      "slipstream: internal error: RangeError: too far (--log-level debug shows the stack)",
    )
  })

  it("comes with its stack when debug logs are asked for, on the command line or in the environment", () => {
    const text = unexpectedFailureText(Cause.die(new RangeError("too far")), true)
    expect(text.split("\n")[0]).toBe("slipstream: internal error: RangeError: too far")
    expect(text).toMatch(/^\s+at /m)
    expect(debugRequested(["node", "main", "run", "--log-level", "debug"], {})).toBe(true)
    expect(debugRequested(["node", "main", "run", "--log-level=debug"], {})).toBe(true)
    expect(debugRequested(["node", "main", "run"], { SLIPSTREAM_LOG_LEVEL: "debug" })).toBe(true)
    expect(debugRequested(["node", "main", "run", "--log-level", "info"], {})).toBe(false)
    expect(debugRequested(["node", "main", "run", "--experiment", "debug"], {})).toBe(false)
  })
})

describe("a stopped run's summary", () => {
  const started = (
    experiment: string,
    windows: Extract<RunEvent, { kind: "started" }>["windows"],
  ): RunEvent => ({ kind: "started", experiment, date, windows })
  const item = (experiment: string, period: "day" | "week", windowIndex: number): RunEvent => ({
    kind: "item",
    outcome: {
      experiment,
      date,
      period,
      windowIndex,
      metricsTables: [],
      statisticsTable: `statistics_${experiment}_${period}_${windowIndex}`,
      results: 10,
      problems: [],
      milliseconds: 5,
    },
  })
  const events: ReadonlyArray<RunEvent> = [
    started("a", [
      { period: "day", index: 35 },
      { period: "week", index: 5 },
    ]),
    started("b", [{ period: "day", index: 3 }]),
    item("b", "day", 3),
    { kind: "finished", experiment: "b", date, errors: 0, warnings: 0 },
    item("a", "day", 35),
  ]

  it("lists the windows written, and those of experiments under way that were not", () => {
    expect(interruptionOf(events)).toEqual({
      written: [
        { experiment: "b", date, period: "day", windowIndex: 3 },
        { experiment: "a", date, period: "day", windowIndex: 35 },
      ],
      unfinished: [{ experiment: "a", date, period: "week", windowIndex: 5 }],
    })
  })

  it("says it was interrupted, by which signal, what was written, and what completes it", () => {
    const text = formatRunSummary(
      summariseRun(events, 1500),
      { queries: 3, milliseconds: 200, bytesProcessed: 0, bytesBilled: 0, slotMilliseconds: 0 },
      ["results: in x.duckdb"],
      {
        signal: "SIGTERM",
        during: "computing",
        interruption: interruptionOf(events),
        resume: "to complete it, run the same command again",
      },
    )
    expect(text.split("\n")).toEqual([
      "INTERRUPTED by SIGTERM: 2026-10-12, 2 experiments analysed (a, b), 2 windows, 20 statistics rows in 1.5 s",
      "written before the stop (2 windows):",
      "  2026-10-12 b: day 3",
      "  2026-10-12 a: day 35",
      "not written (stopped while computing them):",
      "  2026-10-12 a: week 5",
      "nothing was published: a run publishes once its windows are written",
      "0 errors, 0 warnings (those of analysed experiments in the logs table and errors JSON)",
      "warehouse: 3 queries, 0.2 s",
      "results: in x.duckdb",
      "to complete it, run the same command again",
    ])
  })

  it("counts the windows per experiment when they are many (a rerun over many dates)", () => {
    const many: ReadonlyArray<RunEvent> = Array.from({ length: 12 }, (_, day) => ({
      kind: "item",
      outcome: {
        experiment: "a",
        date: `2026-10-${String(day + 1).padStart(2, "0")}` as IsoDate,
        period: "day",
        windowIndex: day + 1,
        metricsTables: [],
        results: 1,
        problems: [],
        milliseconds: 1,
      },
    }))
    const text = formatRunSummary(
      summariseRun(many, 10),
      { queries: 0, milliseconds: 0, bytesProcessed: 0, bytesBilled: 0, slotMilliseconds: 0 },
      [],
      { during: "computing", interruption: interruptionOf(many), resume: "again" },
    )
    expect(text).toContain("INTERRUPTED: 2026-10-01 to 2026-10-12 (12 dates)")
    expect(text).toContain(
      "written before the stop (12 windows):\n  a: 12 windows, 2026-10-01 to 2026-10-12\n",
    )
  })
})
