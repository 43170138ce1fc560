import { Schema } from "effect"

/** An entry of the report index as `reports/index.json` holds it (report-model.ts, IndexEntry). */
const IndexEntryJson = Schema.Struct({
  slug: Schema.String,
  name: Schema.String,
  status: Schema.String,
  startDate: Schema.NullOr(Schema.String),
  endDate: Schema.NullOr(Schema.String),
  errors: Schema.Number,
  warnings: Schema.Number,
  reportPath: Schema.String,
  // Indexes written before the analysis time was shown have none.
  analysedAt: Schema.optionalWith(Schema.NullOr(Schema.String), { exact: true }),
})

/** `reports/index.json`: the index's entries, so exporting one experiment keeps the others. */
export const ReportManifest = Schema.Array(IndexEntryJson)
