/**
 * Benchmark of the statistics kernels: bootstrap_mean, binomial and deciles for 3 branches
 * of 100k and 1M clients, on a low-cardinality metric (days of use, 0–28) and a continuous
 * heavy-tailed one (active hours, log-normal), 10,000 samples, all comparisons included;
 * and how far quantile buckets move the bootstrap interval against the exact bootstrap.
 * Targets (2 cores): 1M × 3 under 2 s (low cardinality) and under 20 s (continuous).
 */
import { binomial } from "../src/stats/binomial.js"
import { bootstrapMean, bootstrapMeanSamples } from "../src/stats/bootstrap-mean.js"
import { decileLevels, deciles } from "../src/stats/deciles.js"
import { standardNormal } from "../src/stats/distributions.js"
import { orderStatisticsInBands } from "../src/stats/order-statistics.js"
import { quantileOfSorted, sortedCopy } from "../src/stats/quantile.js"
import { seededRandom } from "../src/stats/random.js"
import { histogramOf, winsorize } from "../src/stats/value-histogram.js"

const branches = ["control", "treatment-a", "treatment-b"]
const numSamples = 10_000

const daysOfUse = (clients: number, seed: number): Float64Array => {
  const random = seededRandom(seed)
  return Float64Array.from({ length: clients }, () =>
    Math.max(0, Math.min(28, Math.round(12 + 8 * standardNormal(random)))),
  )
}

const activeHours = (clients: number, seed: number): Float64Array => {
  const random = seededRandom(seed)
  return Float64Array.from({ length: clients }, () => Math.exp(0.5 + 1.2 * standardNormal(random)))
}

const time = <A>(run: () => A): { result: A; seconds: number } => {
  const start = performance.now()
  const result = run()
  return { result, seconds: (performance.now() - start) / 1000 }
}

const randomFor = (branch: string) => seededRandom(2026, branch)
const rows: string[][] = []

for (const clients of [100_000, 1_000_000]) {
  for (const [metric, generate] of [
    ["days_of_use (0–28)", daysOfUse],
    ["active_hours (continuous)", activeHours],
  ] as const) {
    const data = branches.map((branch, index) => [branch, generate(clients, index + 1)] as const)
    const histograms = time(
      () =>
        new Map(data.map(([branch, values]) => [branch, histogramOf(winsorize(values, 0.995))])),
    )
    const bands = time(
      () =>
        new Map(
          data.map(([branch, values]) => [branch, orderStatisticsInBands(values, decileLevels)]),
        ),
    )
    const mean = time(() =>
      bootstrapMean(histograms.result, { numSamples, confidence: 0.95 }, randomFor),
    )
    const decile = time(() => deciles(bands.result, { numSamples, confidence: 0.95 }, randomFor))
    const conversions = new Map(
      data.map(([branch, values]) => [
        branch,
        { clients, conversions: values.filter((value) => value > 10).length },
      ]),
    )
    const binomialTime = time(() =>
      binomial(conversions, { confidence: 0.95, numSamples }, randomFor),
    )
    rows.push([
      `${clients / 1000}k × 3`,
      metric,
      `${histograms.result.get("control")?.values.length}`,
      histograms.seconds.toFixed(2),
      mean.seconds.toFixed(2),
      binomialTime.seconds.toFixed(2),
      (bands.seconds + decile.seconds).toFixed(2),
      (
        histograms.seconds +
        mean.seconds +
        binomialTime.seconds +
        bands.seconds +
        decile.seconds
      ).toFixed(2),
    ])
  }
}

console.log("bootstrap_mean, binomial, deciles — 3 branches, 10,000 samples, all 6 comparisons")
console.table(
  rows.map(([size, metric, buckets, histogram, mean, binomialSeconds, decile, total]) => ({
    clients: size,
    metric,
    "distinct values / buckets": buckets,
    "histogram s": histogram,
    "bootstrap_mean s": mean,
    "binomial s": binomialSeconds,
    "deciles s": decile,
    "total s": total,
  })),
)

// Quantile buckets against the exact per-row bootstrap (every distinct value its own weight).
const clients = 100_000
const samples = 1000
const values = winsorize(activeHours(clients, 99), 0.995)
const interval = (draws: Float64Array) => {
  const sorted = sortedCopy(draws)
  return [quantileOfSorted(sorted, 0.025), quantileOfSorted(sorted, 0.975)] as const
}
const exact = time(() =>
  interval(bootstrapMeanSamples(histogramOf(values, clients), samples, seededRandom(1))),
)
console.log(
  `\nbucketed vs exact bootstrap of the mean, ${clients / 1000}k continuous values, ${samples} samples`,
)
const table = [
  {
    buckets: "exact",
    lower: exact.result[0],
    upper: exact.result[1],
    "width change %": 0,
    seconds: exact.seconds,
  },
]
for (const buckets of [500, 2000, 10_000]) {
  const bucketed = time(() =>
    interval(bootstrapMeanSamples(histogramOf(values, buckets), samples, seededRandom(1))),
  )
  const width = bucketed.result[1] - bucketed.result[0]
  const exactWidth = exact.result[1] - exact.result[0]
  table.push({
    buckets: `${buckets}`,
    lower: bucketed.result[0],
    upper: bucketed.result[1],
    "width change %": (100 * (width - exactWidth)) / exactWidth,
    seconds: bucketed.seconds,
  })
}
console.table(table)
console.log("(Monte Carlo error of a 95% bound at 1000 samples is about 3% of the width.)")
