/**
 * `npm run bench:accuracy`: how far the push-down path (the warehouse's SQL, here an embedded
 * DuckDB, then the statistics on its aggregates) lands from the exact per-client computation
 * (every distinct value its own Dirichlet weight, every order statistic), for 10k, 100k and
 * 1M clients per branch; points and both bounds as fractions of the interval's width, next
 * to the Monte Carlo error of two independent bootstraps. Options: --sizes 10000,100000
 * (default 10k, 100k, 1M), --samples N (push-down bootstrap draws, default 10,000).
 */
import { Either } from "effect"
import { aggregateQueryFor } from "../src/pipeline/aggregate-query.js"
import {
  aggregateRequestOf,
  type Statistic,
  type StatisticName,
  statisticOf,
} from "../src/stats/catalogue/statistic-catalogue.js"
import { type ClientColumns, computeSummaryOnClients } from "../src/stats/compute-summary.js"
import { seededRandom } from "../src/stats/random.js"
import {
  type BranchAggregates,
  computeSummaryOnAggregates,
} from "../src/stats/summary-on-aggregates.js"
import { type Distance, distance } from "./accuracy/compare.js"
import { type Clients, generateClients } from "./accuracy/populations.js"
import { metricsTable, openWarehouse, windowStart } from "./accuracy/warehouse.js"

const option = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`)
  return index < 0 ? undefined : process.argv[index + 1]
}
const sizes = (option("sizes") ?? "10000,100000,1000000").split(",").map(Number)
const pushDownSamples = Number(option("samples") ?? 10_000)

interface Case {
  readonly label: string
  readonly statistic: StatisticName
  readonly column: keyof Clients
  readonly parameters?: Record<string, unknown>
  /** Quantile buckets of the push-down's histograms. */
  readonly buckets?: number
}

const cases: ReadonlyArray<Case> = [
  {
    label: "bootstrap_mean, continuous",
    statistic: "bootstrap_mean",
    column: "hours",
    buckets: 2000,
  },
  {
    label: "bootstrap_mean, continuous",
    statistic: "bootstrap_mean",
    column: "hours",
    buckets: 500,
  },
  {
    label: "bootstrap_mean, days of use",
    statistic: "bootstrap_mean",
    column: "days",
    buckets: 2000,
  },
  { label: "deciles, continuous", statistic: "deciles", column: "hours" },
  {
    label: "population_ratio, clicks/searches",
    statistic: "population_ratio",
    column: "clicks",
    parameters: { numerator: "clicks", denominator: "searches" },
  },
]

/** The exact computation's draws: all of them at small n, fewer where each costs n gammas. */
const exactSamples = (n: number, statistic: StatisticName) =>
  statistic === "bootstrap_mean" && n >= 1_000_000
    ? 1000
    : statistic === "bootstrap_mean" && n >= 100_000
      ? 4000
      : 10_000

/** The statistic's aggregate from the warehouse, by the pipeline's own query and reader. */
const pushedDown = async (
  warehouse: Awaited<ReturnType<typeof openWarehouse>>,
  entry: Case,
  statistic: Statistic,
): Promise<ReadonlyMap<string, BranchAggregates>> => {
  const query = Either.getOrThrow(
    aggregateQueryFor(
      aggregateRequestOf(statistic),
      { metricsTable, metric: entry.column, windowStart },
      { maxBuckets: entry.buckets ?? 2000 },
    ),
  )
  return query.read(await warehouse.query(query.sql))
}

const percent = (fraction: number) => `${(100 * fraction).toFixed(1)}%`
const table: Record<string, string>[] = []

for (const n of sizes) {
  const random = seededRandom(2026, `accuracy/${n}`)
  const branches = new Map([
    ["control", generateClients(n, 1, random)],
    ["treatment", generateClients(n, 1.02, random)],
  ])
  const warehouse = await openWarehouse(branches)
  for (const entry of cases) {
    const started = performance.now()
    const parameters = { ...entry.parameters }
    const exactDraws = exactSamples(n, entry.statistic)
    const pushStatistic = statisticOf(entry.statistic, {
      ...parameters,
      num_samples: pushDownSamples,
    })
    const exactStatistic = statisticOf(entry.statistic, { ...parameters, num_samples: exactDraws })
    const fromWarehouse = computeSummaryOnAggregates(
      pushStatistic,
      await pushedDown(warehouse, entry, pushStatistic),
      { seed: 1, stream: entry.label },
    )
    const columns = new Map<string, ClientColumns>(
      [...branches].map(([branch, clients]) => [
        branch,
        { values: clients[entry.column], numerator: clients.clicks, denominator: clients.searches },
      ]),
    )
    const exactWith = (seed: number) =>
      computeSummaryOnClients(exactStatistic, [], columns, {
        seed,
        stream: entry.label,
        analysisPeriodLength: 1,
        maxBuckets: Number.POSITIVE_INFINITY,
      }).rows
    const exact = exactWith(2)
    const samples = { result: pushDownSamples, reference: exactDraws }
    const gap: Distance = distance(fromWarehouse.rows, exact, samples)
    // The exact computation against itself with another seed: what Monte Carlo error alone does.
    const noise: Distance = distance(exactWith(3), exact, {
      result: exactDraws,
      reference: exactDraws,
    })
    table.push({
      "clients/branch": n.toLocaleString("en"),
      statistic: entry.label,
      "push-down": entry.buckets === undefined ? "exact aggregates" : `${entry.buckets} buckets`,
      draws: `${pushDownSamples}/${exactDraws}`,
      "Δ point": percent(gap.point),
      "Δ lower": percent(gap.lower),
      "Δ upper": percent(gap.upper),
      "> 3 se": `${gap.beyondThree}/${3 * gap.rows}`,
      "exact vs exact Δ point/lower/upper": `${percent(noise.point)} / ${percent(noise.lower)} / ${percent(noise.upper)}`,
      "exact > 3 se": `${noise.beyondThree}/${3 * noise.rows}`,
      "se point/bound": `${percent(gap.pointError)} / ${percent(gap.boundError)}`,
      seconds: ((performance.now() - started) / 1000).toFixed(1),
    })
    process.stderr.write(`${n} ${entry.label} ${entry.buckets ?? ""}: done\n`)
  }
  warehouse.close()
}

console.log(
  "Push-down (DuckDB SQL → aggregates → statistics) against the exact per-client computation;",
)
console.log(
  "Δ: the worst row's distance as a fraction of the exact 95% interval's width; > 3 se: points and",
)
console.log(
  "bounds beyond 3 Monte Carlo standard errors (se: of push vs exact draws); exact vs exact: the",
)
console.log("exact computation with another seed, the noise floor the push-down is compared with.")
console.table(table)
