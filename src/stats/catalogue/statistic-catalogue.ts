import { Either, type ParseResult } from "effect"
import { decodedOrThrow } from "../../domain/parameter-schemas.js"
import { bayesianGaussianStatistic } from "./bayesian-gaussian.js"
import { binomialStatistic } from "./binomial.js"
import { bootstrapMeanStatistic } from "./bootstrap-mean.js"
import { countStatistic } from "./count.js"
import { decilesStatistic } from "./deciles.js"
import { empiricalCdfStatistic } from "./empirical-cdf.js"
import { kernelDensityEstimateStatistic } from "./kernel-density-estimate.js"
import { linearModelMeanStatistic } from "./linear-model-mean.js"
import { perClientDauImpactStatistic } from "./per-client-dau-impact.js"
import { populationRatioStatistic } from "./population-ratio.js"
import type {
  AggregateRequest,
  BranchAggregates,
  ClientColumns,
  KernelContext,
  StatisticDescriptor,
} from "./statistic-descriptor.js"
import { sumStatistic } from "./sum.js"
import { tTestStatistic } from "./t-test.js"

/**
 * Every statistic a summary may name, by the name configs use. A statistic is one file of
 * this folder (a `defineStatistic`) and one line here; nothing else switches on its name.
 */
const descriptors = {
  bootstrap_mean: bootstrapMeanStatistic,
  binomial: binomialStatistic,
  deciles: decilesStatistic,
  linear_model_mean: linearModelMeanStatistic,
  per_client_dau_impact: perClientDauImpactStatistic,
  population_ratio: populationRatioStatistic,
  kernel_density_estimate: kernelDensityEstimateStatistic,
  empirical_cdf: empiricalCdfStatistic,
  count: countStatistic,
  sum: sumStatistic,
  t_test: tTestStatistic,
  bayesian_gaussian: bayesianGaussianStatistic,
}

export type StatisticName = keyof typeof descriptors

type ParametersOf<D> = D extends StatisticDescriptor<infer P> ? P : never

/** Each statistic's decoded parameters, defaults filled in. */
export type StatisticParameters = {
  readonly [Name in StatisticName]: ParametersOf<(typeof descriptors)[Name]>
}

/** Typed so that a descriptor looked up by a statistic's name takes that statistic's parameters. */
export const statisticCatalogue: {
  readonly [Name in StatisticName]: StatisticDescriptor<StatisticParameters[Name]>
} = descriptors

export interface StatisticOf<Name extends StatisticName> {
  readonly name: Name
  readonly parameters: StatisticParameters[Name]
}

/** A configured statistic: its name and its decoded parameters. */
export type Statistic = { readonly [Name in StatisticName]: StatisticOf<Name> }[StatisticName]

export const statisticNames = Object.keys(descriptors) as ReadonlyArray<StatisticName>

export const isStatisticName = (name: string): name is StatisticName =>
  Object.hasOwn(descriptors, name)

/** The statistic `name` with parameters as written, checked and completed with defaults. */
export const decodeStatistic = (
  name: StatisticName,
  written: unknown,
): Either.Either<Statistic, ParseResult.ParseError> =>
  Either.map(
    statisticCatalogue[name].decodeParameters(written),
    // The parameters are the output of `name`'s own schema; TypeScript cannot pair a name
    // with its member of the union through a lookup, so the pairing is asserted here.
    (parameters) => ({ name, parameters }) as Statistic,
  )

/** The name published rows carry for `statistic` (Jetstream's output name). */
export const publishedNameOf = <Name extends StatisticName>(statistic: StatisticOf<Name>): string =>
  statisticCatalogue[statistic.name].publishedName(statistic.parameters)

/** The level of a statistic's intervals; none for statistics without intervals. */
export const confidenceOf = <Name extends StatisticName>(
  statistic: StatisticOf<Name>,
): number | undefined => statisticCatalogue[statistic.name].confidence(statistic.parameters)

const unadjustedParameters = <Name extends StatisticName>(statistic: StatisticOf<Name>) =>
  statisticCatalogue[statistic.name].withoutCovariate(statistic.parameters)

/**
 * The statistic unadjusted: a pre-enrollment period has nothing to adjust by. Its parameters
 * go through its schema again (decoded values decode to themselves), which pairs them with
 * the statistic's name as `decodeStatistic` does.
 */
export const withoutCovariateAdjustment = (statistic: Statistic): Statistic =>
  Either.getOrElse(
    decodeStatistic(statistic.name, unadjustedParameters(statistic)),
    () => statistic,
  )

/** What a statistic asks the warehouse for. */
export const aggregateRequestOf = <Name extends StatisticName>(
  statistic: StatisticOf<Name>,
): AggregateRequest => statisticCatalogue[statistic.name].aggregate(statistic.parameters)

/** A statistic's kernel on per-client columns (pre-treatments applied). */
export const statisticOnClients = <Name extends StatisticName>(
  statistic: StatisticOf<Name>,
  branches: ReadonlyMap<string, ClientColumns>,
  context: KernelContext & { readonly maxBuckets: number },
) => statisticCatalogue[statistic.name].onClients(statistic.parameters, branches, context)

/** A statistic's kernel on the aggregates the warehouse pushed down. */
export const statisticOnAggregates = <Name extends StatisticName>(
  statistic: StatisticOf<Name>,
  branches: ReadonlyMap<string, BranchAggregates>,
  context: KernelContext,
) => statisticCatalogue[statistic.name].onAggregates(statistic.parameters, branches, context)

/** `decodeStatistic` for programs that build a statistic in code: an invalid one throws, naming the problem. */
export const statisticOf = (name: StatisticName, written: object = {}): Statistic =>
  decodedOrThrow(name, decodeStatistic(name, written))
