import { Effect, Either } from "effect"
import type { AnalysisConfiguration } from "../domain/config/analysis-configuration.js"
import { compareDates, daysBetween, type IsoDate } from "../domain/dates.js"
import { enrollmentsTableName } from "../domain/table-names.js"
import { Warehouse, WarehouseError } from "../services/warehouse/warehouse.js"
import { buildEnrollmentsQuery, type TelemetrySources } from "../sql/enrollments-query.js"

export interface EnrollmentsOutcome {
  readonly table: string
  /** False when the table was there already and was kept. */
  readonly created: boolean
}

/**
 * Makes `enrollments_<slug>` unless it exists (Jetstream makes it once per experiment), or
 * always with `recreate`. Exposures count up to the end date, or up to `date` while the
 * experiment runs: a table made early knows the exposures of its day, and
 * `--recreate-enrollments` brings it up to date.
 */
export const ensureEnrollments = (
  configuration: AnalysisConfiguration,
  date: IsoDate,
  options: { readonly sources: TelemetrySources; readonly recreate: boolean },
): Effect.Effect<EnrollmentsOutcome, WarehouseError, Warehouse> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const { experiment, schedule } = configuration
    const table = enrollmentsTableName(experiment.slug)
    if (!options.recreate && (yield* warehouse.tableExists(table))) return { table, created: false }
    const { startDate, lastEnrollmentDate, endDate } = schedule
    if (startDate === undefined || lastEnrollmentDate === undefined) {
      return yield* new WarehouseError({
        purpose: `enrollments of ${experiment.slug}`,
        message: "the experiment has no start date or enrollment period",
      })
    }
    const lastExposureDate =
      endDate !== undefined && compareDates(endDate, date) < 0 ? endDate : date
    // An exposure signal's window limits (analysis_window_end) are measured in the longest
    // window the table serves: from enrollment to the last day with data.
    const analysisWindow = {
      start: 0,
      end: Math.max(0, daysBetween(lastEnrollmentDate, lastExposureDate)),
    }
    const sql = yield* buildEnrollmentsQuery({
      experimentSlug: experiment.slug,
      analysisUnit: configuration.analysisUnit,
      enrollmentsQueryType: configuration.enrollmentsQueryType,
      exposureQueryType: configuration.exposureQueryType,
      ...(experiment.appId === undefined ? {} : { appId: experiment.appId }),
      firstEnrollmentDate: startDate,
      lastEnrollmentDate,
      lastExposureDate,
      ...(configuration.enrollmentQuery === undefined
        ? {}
        : { customEnrollmentQuery: configuration.enrollmentQuery }),
      ...(configuration.sampleSize === undefined ? {} : { sampleSize: configuration.sampleSize }),
      ...(configuration.exposureSignal === undefined
        ? {}
        : { exposureSignal: configuration.exposureSignal }),
      analysisWindow,
      segments: configuration.segments,
      sources: options.sources,
    }).pipe(
      // A failure of this table's statement, as its callers (ensure-enrollments too) report them.
      Either.mapLeft(
        ({ message }) =>
          new WarehouseError({ purpose: `enrollments of ${experiment.slug}`, message }),
      ),
    )
    yield* warehouse.createTableAs(table, sql, `enrollments of ${experiment.slug}`, {
      experimentSlug: experiment.slug,
    })
    return { table, created: true }
  })
