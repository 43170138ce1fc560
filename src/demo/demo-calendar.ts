import type { IsoDate } from "../domain/dates.js"

/**
 * The demo's experiments (their Experimenter records are config/demo/experiments.json) with
 * the effects the generated telemetry injects: multiplicative changes of a branch's daily
 * values after enrollment. Tests and the end-to-end run check the analysis finds exactly these.
 */
export interface DemoBranch {
  readonly slug: string
  readonly ratio: number
  /** Factors on each daily value after enrollment; 1 where absent. */
  readonly effects: {
    readonly activeHours?: number
    readonly uriCount?: number
    readonly searchCount?: number
  }
}

export interface DemoExperiment {
  readonly slug: string
  readonly startDate: IsoDate
  /** Days of enrollment after the start date (clients enroll on start … start + period). */
  readonly enrollmentPeriod: number
  /** The last day with telemetry: the end date, or the demo's today for a live experiment. */
  readonly lastDate: IsoDate
  /** Share of the demo's clients enrolled in this experiment. */
  readonly share: number
  readonly branches: ReadonlyArray<DemoBranch>
}

/** The demo's "today": the last day of telemetry. */
export const demoToday: IsoDate = "2026-11-24"

export const demoExperiments: ReadonlyArray<DemoExperiment> = [
  {
    slug: "demo-new-tab-layout",
    startDate: "2026-09-01",
    enrollmentPeriod: 7,
    lastDate: "2026-10-12",
    share: 0.4,
    branches: [
      { slug: "control", ratio: 1, effects: {} },
      { slug: "treatment", ratio: 1, effects: { activeHours: 1.08, searchCount: 1.05 } },
    ],
  },
  {
    slug: "demo-sidebar-onboarding",
    startDate: "2026-10-01",
    enrollmentPeriod: 14,
    lastDate: demoToday,
    share: 0.35,
    branches: [
      { slug: "control", ratio: 1, effects: {} },
      { slug: "treatment-a", ratio: 1, effects: { uriCount: 1.1 } },
      { slug: "treatment-b", ratio: 1, effects: {} },
    ],
  },
  {
    slug: "demo-aa-check",
    startDate: "2026-10-20",
    enrollmentPeriod: 7,
    lastDate: "2026-11-23",
    share: 0.25,
    branches: [
      { slug: "control", ratio: 1, effects: {} },
      { slug: "treatment", ratio: 1, effects: {} },
    ],
  },
]
