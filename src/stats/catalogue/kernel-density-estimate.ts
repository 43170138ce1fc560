import { Schema } from "effect"
import { GridSize, withDefault } from "../../domain/parameter-schemas.js"
import { type BranchValues, defaultGridSize } from "../grid.js"
import { type KernelDensityOptions, kernelDensityEstimate } from "../kernel-density.js"
import { defineStatistic } from "./statistic-descriptor.js"

export const KernelDensityParameters = Schema.Struct({
  bandwidth: withDefault(Schema.Literal("scott", "silverman", "normal_reference"), "scott"),
  adjust: withDefault(Schema.Number, 1),
  /** Accepted as Jetstream does; the kernel is always Gaussian. */
  kernel: withDefault(Schema.Literal("gaussian", "gau"), "gaussian"),
  grid_size: withDefault(GridSize, defaultGridSize),
  log_space: withDefault(Schema.Boolean, false),
})

/** The kernel's options named by the statistic's parameters. */
export const kernelDensityOptionsOf = (
  parameters: Schema.Schema.Type<typeof KernelDensityParameters>,
): KernelDensityOptions => ({
  bandwidth: parameters.bandwidth,
  adjust: parameters.adjust,
  gridSize: parameters.grid_size,
  logSpace: parameters.log_space,
})

/** Jetstream's kernel_density_estimate: src/stats/kernel-density.ts (no intervals). */
export const kernelDensityEstimateStatistic = defineStatistic({
  name: "kernel_density_estimate",
  publishedAs: "kernel_density_estimate",
  parameters: KernelDensityParameters,
  aggregate: () => ({ kind: "histogram" }),
  fromClients: (_parameters, { values }): BranchValues => values,
  fromPushDown: { what: "value histogram", pick: (branch) => branch.histogram },
  kernel: (parameters, branches) =>
    kernelDensityEstimate(branches, kernelDensityOptionsOf(parameters)),
})
