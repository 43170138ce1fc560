/**
 * One batch of simulated experiments: draw both branches of a metric, run each statistic at
 * each confidence level through `computeSummaryOnClients`, and tally whether the interval of
 * the treatment-vs-control comparison contains the true value.
 */
import type { Statistic } from "../../src/stats/catalogue/statistic-catalogue.js"
import { type ClientColumns, computeSummaryOnClients } from "../../src/stats/compute-summary.js"
import { seededRandom } from "../../src/stats/random.js"
import {
  type ComparisonKind,
  type ConfidenceLevel,
  columnsFor,
  confidenceLevels,
  type MethodKey,
  methodOf,
  type Scenario,
  statisticOf,
  truthOf,
} from "./methods.js"
import { type PopulationKey, populationOf } from "./populations.js"

export interface Job {
  readonly population: PopulationKey
  readonly clients: number
  readonly scenario: Scenario
  readonly firstReplicate: number
  readonly replicates: number
  readonly methods: ReadonlyArray<MethodKey>
  readonly samples: number
  readonly buckets?: number
  readonly seed: number
}

/** How the intervals of one level fared. */
export interface LevelTally {
  /** Replicates with this row and both bounds. */
  present: number
  covered: number
  /** The truth below the lower bound, above the upper bound. */
  missedLow: number
  missedHigh: number
  widthSum: number
}

export interface CellTally {
  readonly method: MethodKey
  readonly population: PopulationKey
  readonly clients: number
  readonly scenario: Scenario
  readonly comparison: ComparisonKind
  /** The decile level; absent for one-dimensional statistics. */
  readonly level?: number
  readonly truth: number
  readonly byConfidence: Record<ConfidenceLevel, LevelTally>
  /** Of the point estimates (at 95%): how many, Σ(point − truth), Σ(point − truth)². */
  points: number
  errorSum: number
  errorSquares: number
}

export const cellKey = (
  cell: Omit<CellTally, "truth" | "byConfidence" | "points" | "errorSum" | "errorSquares">,
) =>
  [
    cell.method,
    cell.population,
    cell.clients,
    cell.scenario,
    cell.comparison,
    cell.level ?? "",
  ].join("|")

const emptyLevel = (): LevelTally => ({
  present: 0,
  covered: 0,
  missedLow: 0,
  missedHigh: 0,
  widthSum: 0,
})

const branches = ["control", "treatment"] as const

/** The two branches of replicate r: each from its own stream, so jobs can run anywhere. */
const drawExperiment = (job: Job, replicate: number): ReadonlyMap<string, ClientColumns> => {
  const population = populationOf(job.population)
  return new Map(
    branches.map((branch) => [
      branch,
      population.draw(
        seededRandom(
          job.seed,
          `${job.population}/${job.clients}/${job.scenario}/${replicate}/${branch}`,
        ),
        job.clients,
        branch === "treatment" && job.scenario === "effect",
      ),
    ]),
  )
}

export const runJob = (job: Job): ReadonlyArray<CellTally> => {
  const tallies = new Map<string, CellTally>()
  const statistics = new Map<string, Statistic>()
  const statisticFor = (key: MethodKey, level: ConfidenceLevel): Statistic => {
    const id = `${key}@${level}`
    const known = statistics.get(id)
    if (known !== undefined) return known
    const statistic = statisticOf(methodOf(key), level, job.samples)
    statistics.set(id, statistic)
    return statistic
  }
  const tallyOf = (key: MethodKey, comparison: ComparisonKind, level: number | undefined) => {
    const identity = {
      method: key,
      population: job.population,
      clients: job.clients,
      scenario: job.scenario,
      comparison,
      ...(level === undefined ? {} : { level }),
    }
    const id = cellKey(identity)
    const known = tallies.get(id)
    if (known !== undefined) return known
    const truth = truthOf(methodOf(key), job.population, job.clients, job.scenario, level)
    const created: CellTally = {
      ...identity,
      truth: comparison === "difference" ? truth.difference : (truth.relativeUplift ?? Number.NaN),
      byConfidence: { 0.95: emptyLevel(), 0.9: emptyLevel() },
      points: 0,
      errorSum: 0,
      errorSquares: 0,
    }
    tallies.set(id, created)
    return created
  }
  for (
    let replicate = job.firstReplicate;
    replicate < job.firstReplicate + job.replicates;
    replicate++
  ) {
    const experiment = drawExperiment(job, replicate)
    for (const key of job.methods) {
      const method = methodOf(key)
      const columns = new Map(
        [...experiment].map(([branch, data]) => [branch, columnsFor(method, data)]),
      )
      for (const confidence of confidenceLevels) {
        const output = computeSummaryOnClients(statisticFor(key, confidence), [], columns, {
          seed: job.seed + replicate,
          stream: `${job.population}/${job.clients}/${job.scenario}/${key}`,
          analysisPeriodLength: 1,
          ...(job.buckets === undefined ? {} : { maxBuckets: job.buckets }),
        })
        if (output.refused !== undefined) throw new Error(`${key}: ${output.refused}`)
        for (const row of output.rows) {
          if (row.branch !== "treatment" || row.comparisonToBranch !== "control") continue
          // chance_to_beat is a probability, not an estimate with an interval to cover a truth.
          if (row.comparison !== "difference" && row.comparison !== "relative_uplift") continue
          const cell = tallyOf(key, row.comparison, row.parameter)
          // An uplift over a reference whose true value is 0 (a decile in the zeros) has no truth.
          if (!Number.isFinite(cell.truth)) continue
          if (confidence === 0.95) {
            const error = row.point - cell.truth
            cell.points++
            cell.errorSum += error
            cell.errorSquares += error * error
          }
          const { lower, upper } = row
          if (lower === undefined || upper === undefined) continue
          if (!(Number.isFinite(lower) && Number.isFinite(upper))) continue
          const level = cell.byConfidence[confidence]
          level.present++
          level.widthSum += upper - lower
          if (cell.truth < lower) level.missedLow++
          else if (cell.truth > upper) level.missedHigh++
          else level.covered++
        }
      }
    }
  }
  return [...tallies.values()]
}
