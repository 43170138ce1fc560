/** The coverage tables of `npm run calibrate`, as text. */
import normalCdf from "@stdlib/stats-base-dists-normal-cdf"

import {
  type Coverage,
  coverageOf,
  pointErrors,
  type Settings,
  smallestTargetedSize,
  targets,
} from "./coverage.js"
import {
  type ComparisonKind,
  type ConfidenceLevel,
  cells,
  comparisons,
  confidenceLevels,
  type MethodKey,
  methodOf,
  type Scenario,
  scenarios,
  truthOf,
} from "./methods.js"
import {
  discreteThresholds,
  effectMultiplier,
  type PopulationKey,
  populationOf,
  populations,
} from "./populations.js"
import { type CellTally, cellKey } from "./replicates.js"

/** P(an exactly calibrated cell's observed coverage falls outside the target), normal approximation. */
const chanceOutside = (level: ConfidenceLevel, replicates: number): number => {
  const standardError = Math.sqrt((level * (1 - level)) / replicates)
  const [low, high] = targets[level]
  return normalCdf(low, level, standardError) + 1 - normalCdf(high, level, standardError)
}

const percent = (value: number, digits = 1) => (100 * value).toFixed(digits)

const cellText = (
  coverage: Coverage | undefined,
  replicates: number,
  { flagged = true }: { readonly flagged?: boolean } = {},
): string => {
  if (coverage === undefined || coverage.present === 0) return "—"
  const flag = flagged && coverage.outsideTarget ? "*" : ""
  const partial = coverage.present < replicates ? ` [${coverage.present}]` : ""
  return `${percent(coverage.coverage)} ±${percent(coverage.standardError)}${flag}${partial}`
}

const pad = (text: string, width: number) => text.padEnd(width)

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) => {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  )
  const line = (row: ReadonlyArray<string>) =>
    row
      .map((text, column) => pad(text, widths[column] ?? 0))
      .join("  ")
      .trimEnd()
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join(
    "\n",
  )
}

interface Row {
  readonly method: MethodKey
  readonly population: PopulationKey
  readonly clients: number
  readonly scenario: Scenario
}

/** The rows to show, in the order of the cells, sizes and scenarios asked for. */
const rowsOf = (settings: Settings): ReadonlyArray<Row> =>
  cells
    .filter((cell) => settings.methods.includes(cell.method))
    .flatMap((cell) =>
      settings.sizes.flatMap((clients) =>
        scenarios.map((scenario) => ({ ...cell, clients, scenario })),
      ),
    )

const isDegenerateDecile = (row: Row, level: number) =>
  truthOf(methodOf(row.method), row.population, row.clients, row.scenario, level).control === 0

/** Deciles' worst level (farthest from nominal) among those whose true decile is not 0. */
const worstDecile = (
  tallies: ReadonlyMap<string, CellTally>,
  row: Row,
  comparison: ComparisonKind,
  level: ConfidenceLevel,
): { readonly coverage?: Coverage; readonly decile?: number } => {
  let worst: { coverage?: Coverage; decile?: number } = {}
  for (const decile of methodOf(row.method).levels ?? []) {
    if (isDegenerateDecile(row, decile)) continue
    const tally = tallies.get(cellKey({ ...row, comparison, level: decile }))
    if (tally === undefined) continue
    const coverage = coverageOf(tally.byConfidence[level], level, row.clients)
    const distance = Math.abs(coverage.coverage - level)
    if (
      worst.coverage === undefined ||
      distance > Math.abs(worst.coverage.coverage - level) ||
      Number.isNaN(worst.coverage.coverage)
    ) {
      worst = { coverage, decile }
    }
  }
  return worst
}

const numberText = (value: number) => value.toLocaleString("en-US")

export const textReport = (
  tallies: ReadonlyMap<string, CellTally>,
  settings: Settings,
  seconds: number,
): string => {
  const { replicates } = settings
  const rows = rowsOf(settings)
  const mainRows = rows.map((row) => {
    const method = methodOf(row.method)
    const coverageCells = comparisons.flatMap((comparison) =>
      confidenceLevels.map((level) => {
        if (method.levels !== undefined) {
          const worst = worstDecile(tallies, row, comparison, level)
          const text = cellText(worst.coverage, replicates)
          return worst.decile === undefined ? text : `${text} q${worst.decile}`
        }
        const tally = tallies.get(cellKey({ ...row, comparison }))
        return cellText(
          tally === undefined
            ? undefined
            : coverageOf(tally.byConfidence[level], level, row.clients),
          replicates,
        )
      }),
    )
    return [
      method.label,
      populationOf(row.population).label,
      numberText(row.clients),
      row.scenario,
      ...coverageCells,
    ]
  })
  const sections = [
    `Coverage of the 95% and 90% intervals of treatment vs control, in % of ${numberText(replicates)} replicates, ± binomial SE √(p(1 − p)/R)`,
    `(two branches of n clients each; A/A: both branches alike; effect: treatment ×${effectMultiplier} as each metric says below)`,
    `* outside 93.5–96.5% (95%) or 88.5–91.5% (90%), flagged for n ≥ ${numberText(smallestTargetedSize)}; [k]: only k replicates had this row with bounds`,
    `(with ${numberText(replicates)} replicates an exactly calibrated interval falls outside by chance with probability ${confidenceLevels.map((level) => `${percent(chanceOutside(level, replicates), 0)}% at ${percent(level, 0)}%`).join(", ")})`,
    "deciles: the level farthest from nominal among those whose true decile is not 0 (every level below)",
    "",
    table(
      [
        "statistic",
        "metric",
        "n",
        "test",
        "difference 95%",
        "difference 90%",
        "uplift 95%",
        "uplift 90%",
      ],
      mainRows,
    ),
  ]

  const decileRows = rows.filter((row) => methodOf(row.method).levels !== undefined)
  if (decileRows.length > 0) {
    const perLevel = decileRows.flatMap((row) =>
      (methodOf(row.method).levels ?? []).map((decile) => [
        numberText(row.clients),
        row.scenario,
        `${decile}${isDegenerateDecile(row, decile) ? " (true decile 0)" : ""}`,
        ...comparisons.flatMap((comparison) =>
          confidenceLevels.map((level) => {
            const tally = tallies.get(cellKey({ ...row, comparison, level: decile }))
            return cellText(
              tally === undefined
                ? undefined
                : coverageOf(tally.byConfidence[level], level, row.clients),
              replicates,
              // 0 = 0 in every replicate: covered by construction, not a calibration result.
              { flagged: !isDegenerateDecile(row, decile) },
            )
          }),
        ),
      ]),
    )
    sections.push(
      "",
      `deciles of ${populationOf("hours").label}, every level`,
      "",
      table(
        ["n", "test", "decile", "difference 95%", "difference 90%", "uplift 95%", "uplift 90%"],
        perLevel,
      ),
    )
  }

  const diagnostics = rows.flatMap((row) => {
    const method = methodOf(row.method)
    const levels: ReadonlyArray<number | undefined> = method.levels ?? [undefined]
    return levels.flatMap((decile) =>
      comparisons.flatMap((comparison) => {
        // A decile whose true value is 0 is 0 in (nearly) every replicate: covered by construction.
        if (decile !== undefined && isDegenerateDecile(row, decile)) return []
        const tally = tallies.get(
          cellKey({ ...row, comparison, ...(decile === undefined ? {} : { level: decile }) }),
        )
        if (tally === undefined) return []
        const coverage = coverageOf(tally.byConfidence[0.95], 0.95, row.clients)
        if (coverage.present === 0) return []
        const [low, high] = targets[0.95]
        if (coverage.coverage >= low && coverage.coverage <= high) return []
        const { bias, sd } = pointErrors(tally)
        return [
          [
            `${method.label}${decile === undefined ? "" : ` q${decile}`}`,
            populationOf(row.population).label,
            numberText(row.clients),
            row.scenario,
            comparison === "difference" ? "difference" : "uplift",
            percent(coverage.coverage),
            `${coverage.missedLow}/${coverage.missedHigh}`,
            sd > 0 ? (bias / sd).toFixed(2) : "—",
            sd > 0 ? (coverage.meanWidth / (2 * 1.959964 * sd)).toFixed(2) : "—",
          ],
        ]
      }),
    )
  })
  if (diagnostics.length > 0) {
    sections.push(
      "",
      "95% intervals outside 93.5–96.5% (any n): misses (truth below the interval / above it), bias of the point estimate in its standard deviations, mean width / (2 × 1.96 × sd of the point estimate)",
      "",
      table(
        ["statistic", "metric", "n", "test", "comparison", "95%", "low/high", "bias/sd", "width"],
        diagnostics,
      ),
    )
  }

  sections.push(
    "",
    "metrics and true values",
    ...populations
      .filter((population) => rows.some((row) => row.population === population.key))
      .map(
        (population) =>
          `  ${population.label}: ${population.description}. ${population.truthNote}.`,
      ),
    ...rows
      .filter((row) => row.clients === settings.sizes[0] && row.scenario === "effect")
      .flatMap((row) => {
        const method = methodOf(row.method)
        return (method.levels ?? [undefined]).map((decile) => {
          const truth = truthOf(method, row.population, 1, "effect", decile)
          const difference =
            method.key === "per_client_dau_impact"
              ? `${(truth.difference / 2).toPrecision(6)} × 2n`
              : truth.difference.toPrecision(6)
          return `  ${method.label}${decile === undefined ? "" : ` q${decile}`}, ${populationOf(row.population).label}: control ${truth.control.toPrecision(6)}, treatment ${truth.treatment.toPrecision(6)}, difference ${difference}, uplift ${truth.relativeUplift === undefined ? "none (control 0)" : truth.relativeUplift.toPrecision(6)}`
        })
      }),
    "  discrete winsorization caps Q(0.995), with F(Q − 1) and F(Q) (the sample cap settles on Q as n grows):",
    ...discreteThresholds().map(
      ({ what, winsorization }) =>
        `    ${what}: Q ${winsorization.threshold}, F(Q − 1) ${winsorization.below.toFixed(5)}, F(Q) ${winsorization.atThreshold.toFixed(5)}`,
    ),
    "",
    `${numberText(replicates)} replicates, num_samples ${numberText(settings.samples)}, ${settings.buckets === undefined ? "default" : numberText(settings.buckets)} buckets, seed ${settings.seed}, ${settings.threads} threads: ${seconds.toFixed(0)} s`,
  )
  return `${sections.join("\n")}\n`
}
