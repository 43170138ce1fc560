/**
 * The statistics `npm run calibrate` checks, the metrics each runs on, and the true value of
 * each comparison they report (treatment vs control).
 */
import {
  statisticOf as decodedStatistic,
  type Statistic,
  type StatisticName,
} from "../../src/stats/catalogue/statistic-catalogue.js"
import type { ClientColumns } from "../../src/stats/compute-summary.js"
import { decileLevels } from "../../src/stats/deciles.js"
import { type PopulationKey, populationOf } from "./populations.js"

export type MethodKey =
  | "bootstrap_mean"
  | "binomial"
  | "deciles"
  | "linear_model_mean"
  | "linear_model_mean_covariate"
  | "per_client_dau_impact"
  | "population_ratio"
  | "t_test"
  | "t_test_covariate"
  | "t_test_ratio"
  | "t_test_sequential"
  | "bayesian_gaussian"

export type Scenario = "A/A" | "effect"
export type ComparisonKind = "difference" | "relative_uplift"
export const scenarios: ReadonlyArray<Scenario> = ["A/A", "effect"]
export const comparisons: ReadonlyArray<ComparisonKind> = ["difference", "relative_uplift"]
export const confidenceLevels = [0.95, 0.9] as const
export type ConfidenceLevel = (typeof confidenceLevels)[number]

/** What a statistic estimates in each branch. */
type Estimand = "mean" | "winsorized_mean" | "quantile" | "ratio" | "plain_ratio"

export interface Method {
  readonly key: MethodKey
  readonly statistic: StatisticName
  readonly label: string
  /** Parameters as TOML would hold them, before confidence_interval. */
  readonly parameters: (samples: number) => Readonly<Record<string, unknown>>
  readonly estimand: Estimand
  readonly usesCovariate: boolean
  /** Levels of a two-dimensional statistic (deciles); absent otherwise. */
  readonly levels?: ReadonlyArray<number>
}

export const methods: ReadonlyArray<Method> = [
  {
    key: "bootstrap_mean",
    statistic: "bootstrap_mean",
    label: "bootstrap_mean",
    parameters: (samples) => ({ num_samples: samples }),
    estimand: "winsorized_mean",
    usesCovariate: false,
  },
  {
    key: "binomial",
    statistic: "binomial",
    label: "binomial",
    parameters: () => ({}),
    estimand: "mean",
    usesCovariate: false,
  },
  {
    key: "deciles",
    statistic: "deciles",
    label: "deciles",
    parameters: (samples) => ({ num_samples: samples }),
    estimand: "quantile",
    usesCovariate: false,
    levels: decileLevels,
  },
  {
    key: "linear_model_mean",
    statistic: "linear_model_mean",
    label: "linear_model_mean",
    parameters: () => ({}),
    estimand: "winsorized_mean",
    usesCovariate: false,
  },
  {
    key: "linear_model_mean_covariate",
    statistic: "linear_model_mean",
    label: "linear_model_mean +cov",
    parameters: () => ({ covariate_adjustment: { period: "preenrollment_week" } }),
    estimand: "winsorized_mean",
    usesCovariate: true,
  },
  {
    key: "per_client_dau_impact",
    statistic: "per_client_dau_impact",
    label: "per_client_dau_impact",
    parameters: () => ({}),
    // drop_highest defaults to 0 for per_client_dau_impact: the plain mean.
    estimand: "mean",
    usesCovariate: false,
  },
  {
    key: "population_ratio",
    statistic: "population_ratio",
    label: "population_ratio",
    parameters: (samples) => ({
      numerator: "clicks",
      denominator: "searches",
      num_samples: samples,
    }),
    estimand: "ratio",
    usesCovariate: false,
  },
  // t_test's drop_highest is 0 unless given: it estimates the plain mean (or ratio).
  {
    key: "t_test",
    statistic: "t_test",
    label: "t_test",
    parameters: () => ({}),
    estimand: "mean",
    usesCovariate: false,
  },
  {
    key: "t_test_covariate",
    statistic: "t_test",
    label: "t_test CUPED",
    parameters: () => ({ covariate_adjustment: { period: "preenrollment_week" } }),
    estimand: "mean",
    usesCovariate: true,
  },
  {
    key: "t_test_ratio",
    statistic: "t_test",
    label: "t_test ratio",
    parameters: () => ({ numerator: "clicks", denominator: "searches" }),
    estimand: "plain_ratio",
    usesCovariate: false,
  },
  {
    key: "t_test_sequential",
    statistic: "t_test",
    label: "t_test sequential",
    parameters: () => ({ sequential: true }),
    estimand: "mean",
    usesCovariate: false,
  },
  // A flat prior: the credible interval is the normal-approximation interval of the estimate.
  {
    key: "bayesian_gaussian",
    statistic: "bayesian_gaussian",
    label: "bayesian_gaussian",
    parameters: () => ({}),
    estimand: "mean",
    usesCovariate: false,
  },
]

export const methodOf = (key: MethodKey): Method => {
  const found = methods.find((method) => method.key === key)
  if (found === undefined) throw new Error(`no method ${key}`)
  return found
}

/**
 * Which statistic runs on which metric. Means on the continuous, count and binary metrics;
 * binomial on both conversion rates; deciles on the continuous metric (on a discrete one a
 * decile sits on an atom and its interval is mostly [k, k]); the linear model also with the
 * pre-period covariate; per_client_dau_impact on days of use; population_ratio on clicks per
 * search.
 */
export const cells: ReadonlyArray<{
  readonly method: MethodKey
  readonly population: PopulationKey
}> = [
  { method: "bootstrap_mean", population: "hours" },
  { method: "bootstrap_mean", population: "count" },
  { method: "bootstrap_mean", population: "binary10" },
  { method: "binomial", population: "binary10" },
  { method: "binomial", population: "binary30" },
  { method: "deciles", population: "hours" },
  { method: "linear_model_mean", population: "hours" },
  { method: "linear_model_mean_covariate", population: "hours" },
  { method: "linear_model_mean", population: "count" },
  { method: "linear_model_mean", population: "binary10" },
  { method: "per_client_dau_impact", population: "days" },
  { method: "population_ratio", population: "ratio" },
  { method: "t_test", population: "hours" },
  { method: "t_test", population: "count" },
  { method: "t_test", population: "binary10" },
  { method: "t_test_covariate", population: "hours" },
  { method: "t_test_ratio", population: "ratio" },
  { method: "t_test_sequential", population: "hours" },
  { method: "t_test_sequential", population: "binary10" },
  { method: "bayesian_gaussian", population: "hours" },
  { method: "bayesian_gaussian", population: "binary10" },
]

/** A statistic decoded as analyze-table decodes it: defaults, validation, the level set. */
export const statisticOf = (method: Method, level: ConfidenceLevel, samples: number): Statistic =>
  decodedStatistic(method.statistic, { ...method.parameters(samples), confidence_interval: level })

/** The columns a statistic reads (the covariate only where it adjusts for it). */
export const columnsFor = (method: Method, data: ClientColumns): ClientColumns =>
  method.usesCovariate || data.covariate === undefined
    ? data
    : {
        values: data.values,
        ...(data.numerator === undefined ? {} : { numerator: data.numerator }),
        ...(data.denominator === undefined ? {} : { denominator: data.denominator }),
      }

const branchValue = (
  method: Method,
  populationKey: PopulationKey,
  treated: boolean,
  level: number | undefined,
): number => {
  const population = populationOf(populationKey)
  switch (method.estimand) {
    case "mean":
      return population.mean(treated)
    case "winsorized_mean":
      return population.winsorizedMean?.(treated) ?? Number.NaN
    case "quantile":
      return population.quantile?.(level ?? Number.NaN, treated) ?? Number.NaN
    case "ratio":
      return population.ratio?.(treated) ?? Number.NaN
    case "plain_ratio":
      return population.plainRatio?.(treated) ?? Number.NaN
  }
}

export interface Truth {
  readonly control: number
  readonly treatment: number
  readonly difference: number
  /** Absent where the control's value is 0 (the statistic reports no uplift then). */
  readonly relativeUplift?: number
}

/**
 * The population value of treatment − control and treatment / control − 1. In an A/A test
 * both branches are the control, so they are 0 exactly. per_client_dau_impact's difference
 * is scaled by the number of clients of the experiment, 2n.
 */
export const truthOf = (
  method: Method,
  population: PopulationKey,
  clients: number,
  scenario: Scenario,
  level?: number,
): Truth => {
  const control = branchValue(method, population, false, level)
  const treatment = branchValue(method, population, scenario === "effect", level)
  const scale = method.key === "per_client_dau_impact" ? 2 * clients : 1
  return {
    control,
    treatment,
    difference: scale * (treatment - control),
    ...(control === 0 ? {} : { relativeUplift: treatment / control - 1 }),
  }
}
