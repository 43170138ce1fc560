/**
 * Peeking: simulated A/A experiments whose results are looked at every day, as people look
 * at a daily-published dashboard. Clients enrol evenly over `days` days; the look on day d
 * sees the first d/days of each branch's clients, their values fixed (one metric value per
 * client). An experiment "declares significance" at a look when the 95% interval of the
 * treatment-vs-control difference excludes 0. With no effect at all, a fixed-horizon test
 * looked at once declares it 5% of the time; looked at every day, far more often. An
 * always-valid (sequential) interval keeps the chance of ever declaring it at most 5%.
 */
import type { LinearModelSums } from "../../src/stats/linear-model.js"
import { seededRandom } from "../../src/stats/random.js"
import type { StatisticOutput } from "../../src/stats/sample-summary.js"
import { type PopulationKey, populationOf } from "./populations.js"

/** One test as the simulation runs it: a branch's sums in, the statistic's rows out. */
export interface PeekingTest {
  readonly label: string
  readonly run: (sums: ReadonlyMap<string, LinearModelSums>) => StatisticOutput
}

export interface PeekingSettings {
  readonly population: PopulationKey
  /** Clients per branch at the last look. */
  readonly clients: number
  readonly days: number
  readonly replicates: number
  readonly seed: number
}

export interface PeekingTally {
  readonly test: string
  readonly population: PopulationKey
  readonly clients: number
  readonly days: number
  readonly replicates: number
  /** Replicates that declared significance at some look. */
  everSignificant: number
  /** Replicates that declared it at the last look (the fixed-horizon error rate). */
  finalSignificant: number
}

/** n, Σy, Σy² of each prefix of `values` that a look sees. */
const prefixSums = (values: Float64Array, looks: ReadonlyArray<number>): LinearModelSums[] => {
  const sums: LinearModelSums[] = []
  let sumY = 0
  let sumY2 = 0
  let seen = 0
  for (const n of looks) {
    for (; seen < n; seen++) {
      const value = values[seen] ?? 0
      sumY += value
      sumY2 += value * value
    }
    sums.push({ n, sumY, sumY2 })
  }
  return sums
}

/** Whether the treatment-vs-control difference's interval excludes 0. */
const significant = (output: StatisticOutput): boolean =>
  output.rows.some(
    (row) =>
      row.branch === "treatment" &&
      row.comparisonToBranch === "control" &&
      row.comparison === "difference" &&
      row.lower !== undefined &&
      row.upper !== undefined &&
      (row.lower > 0 || row.upper < 0),
  )

/** Runs `settings.replicates` A/A experiments through each test, looking every day. */
export const simulatePeeking = (
  settings: PeekingSettings,
  tests: ReadonlyArray<PeekingTest>,
): ReadonlyArray<PeekingTally> => {
  const population = populationOf(settings.population)
  const looks = Array.from({ length: settings.days }, (_, day) =>
    Math.round((settings.clients * (day + 1)) / settings.days),
  )
  const tallies = tests.map(
    (test): PeekingTally => ({
      test: test.label,
      population: settings.population,
      clients: settings.clients,
      days: settings.days,
      replicates: settings.replicates,
      everSignificant: 0,
      finalSignificant: 0,
    }),
  )
  for (let replicate = 0; replicate < settings.replicates; replicate++) {
    const branchSums = (branch: string) =>
      prefixSums(
        population.draw(
          seededRandom(settings.seed, `peeking/${settings.population}/${replicate}/${branch}`),
          settings.clients,
          false,
        ).values,
        looks,
      )
    const control = branchSums("control")
    const treatment = branchSums("treatment")
    tests.forEach((test, index) => {
      const tally = tallies[index]
      if (tally === undefined) return
      let ever = false
      let last = false
      looks.forEach((_, look) => {
        const controlSums = control[look]
        const treatmentSums = treatment[look]
        if (controlSums === undefined || treatmentSums === undefined) return
        last = significant(
          test.run(
            new Map([
              ["control", controlSums],
              ["treatment", treatmentSums],
            ]),
          ),
        )
        ever ||= last
      })
      if (ever) tally.everSignificant++
      if (last) tally.finalSignificant++
    })
  }
  return tallies
}
