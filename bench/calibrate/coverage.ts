/** Coverage of the tallied intervals, and the JSON of `npm run calibrate --json`. */
import {
  type ConfidenceLevel,
  cells,
  comparisons,
  confidenceLevels,
  type MethodKey,
  methodOf,
  scenarios,
  truthOf,
} from "./methods.js"
import { effectMultiplier, populations } from "./populations.js"
import { type CellTally, cellKey, type LevelTally } from "./replicates.js"

export interface Settings {
  readonly replicates: number
  readonly samples: number
  /** Absent: the statistics' own bound. */
  readonly buckets?: number
  readonly sizes: ReadonlyArray<number>
  readonly methods: ReadonlyArray<MethodKey>
  readonly seed: number
  readonly threads: number
}

/** Coverage targets for n ≥ 1,000 per branch. */
export const targets: Record<ConfidenceLevel, readonly [number, number]> = {
  0.95: [0.935, 0.965],
  0.9: [0.885, 0.915],
}
export const smallestTargetedSize = 1000

export const mergeTallies = (
  into: Map<string, CellTally>,
  tallies: ReadonlyArray<CellTally>,
): void => {
  for (const tally of tallies) {
    const key = cellKey(tally)
    const known = into.get(key)
    if (known === undefined) {
      into.set(key, structuredClone(tally))
      continue
    }
    known.points += tally.points
    known.errorSum += tally.errorSum
    known.errorSquares += tally.errorSquares
    for (const level of confidenceLevels) {
      const target = known.byConfidence[level]
      const source = tally.byConfidence[level]
      target.present += source.present
      target.covered += source.covered
      target.missedLow += source.missedLow
      target.missedHigh += source.missedHigh
      target.widthSum += source.widthSum
    }
  }
}

export interface Coverage {
  readonly coverage: number
  readonly standardError: number
  readonly present: number
  readonly missedLow: number
  readonly missedHigh: number
  readonly meanWidth: number
  readonly outsideTarget: boolean
}

export const coverageOf = (
  tally: LevelTally,
  level: ConfidenceLevel,
  clients: number,
): Coverage => {
  const p = tally.present === 0 ? Number.NaN : tally.covered / tally.present
  const [low, high] = targets[level]
  return {
    coverage: p,
    standardError: Math.sqrt((p * (1 - p)) / tally.present),
    present: tally.present,
    missedLow: tally.missedLow,
    missedHigh: tally.missedHigh,
    meanWidth: tally.widthSum / tally.present,
    outsideTarget: clients >= smallestTargetedSize && tally.present > 0 && !(p >= low && p <= high),
  }
}

/** Bias and standard deviation of the point estimates, over the replicates that had one. */
export const pointErrors = (tally: CellTally) => {
  const bias = tally.errorSum / tally.points
  return { bias, sd: Math.sqrt(Math.max(0, tally.errorSquares / tally.points - bias * bias)) }
}

/** The order of the cells, then n, test, comparison and decile. */
const byCell = (a: CellTally, b: CellTally): number => {
  const cellIndex = (tally: CellTally) =>
    cells.findIndex((cell) => cell.method === tally.method && cell.population === tally.population)
  return (
    cellIndex(a) - cellIndex(b) ||
    a.clients - b.clients ||
    scenarios.indexOf(a.scenario) - scenarios.indexOf(b.scenario) ||
    comparisons.indexOf(a.comparison) - comparisons.indexOf(b.comparison) ||
    (a.level ?? 0) - (b.level ?? 0)
  )
}

export const jsonReport = (
  tallies: ReadonlyMap<string, CellTally>,
  settings: Settings,
  seconds: number,
): string => {
  const results = [...tallies.values()].sort(byCell).map((tally) => {
    const { bias, sd } = pointErrors(tally)
    const decile =
      tally.level === undefined
        ? {}
        : {
            decile: tally.level,
            trueDecileIsZero:
              truthOf(methodOf(tally.method), tally.population, 1, "A/A", tally.level).control ===
              0,
          }
    return {
      statistic: methodOf(tally.method).statistic,
      method: tally.method,
      metric: tally.population,
      clientsPerBranch: tally.clients,
      test: tally.scenario,
      comparison: tally.comparison,
      ...decile,
      truth: tally.truth,
      replicates: settings.replicates,
      bias,
      sd,
      coverage: Object.fromEntries(
        confidenceLevels.map((level) => [
          String(level),
          coverageOf(tally.byConfidence[level], level, tally.clients),
        ]),
      ),
    }
  })
  return `${JSON.stringify(
    {
      settings,
      seconds,
      effectMultiplier,
      metrics: populations.map(({ key, label, description, truthNote }) => ({
        key,
        label,
        description,
        truthNote,
      })),
      results,
    },
    null,
    2,
  )}\n`
}
