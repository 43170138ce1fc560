import { Schema } from "effect"
import { GridSize, withDefault } from "../../domain/parameter-schemas.js"
import { type EmpiricalCdfOptions, empiricalCdf } from "../empirical-cdf.js"
import { type BranchValues, defaultGridSize } from "../grid.js"
import { defineStatistic } from "./statistic-descriptor.js"

export const EmpiricalCdfParameters = Schema.Struct({
  grid_size: withDefault(GridSize, defaultGridSize),
  log_space: withDefault(Schema.Boolean, false),
})

/** The kernel's options named by the statistic's parameters. */
export const empiricalCdfOptionsOf = (
  parameters: Schema.Schema.Type<typeof EmpiricalCdfParameters>,
): EmpiricalCdfOptions => ({ gridSize: parameters.grid_size, logSpace: parameters.log_space })

/** Jetstream's empirical_cdf: src/stats/empirical-cdf.ts (no intervals). */
export const empiricalCdfStatistic = defineStatistic({
  name: "empirical_cdf",
  publishedAs: "empirical_cdf",
  parameters: EmpiricalCdfParameters,
  aggregate: () => ({ kind: "histogram" }),
  fromClients: (_parameters, { values }): BranchValues => values,
  fromPushDown: { what: "value histogram", pick: (branch) => branch.histogram },
  kernel: (parameters, branches) => empiricalCdf(branches, empiricalCdfOptionsOf(parameters)),
})
