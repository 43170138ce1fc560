import { Data } from "effect"

/** A warehouse query or table operation that failed, with the SQL's purpose in words. */
export class WarehouseError extends Data.TaggedError("WarehouseError")<{
  /** What the query was for: "enrollments of my-experiment", "dry run", ... */
  readonly purpose: string
  readonly message: string
  /** The SQL, for logs and for people debugging a metric definition. */
  readonly sql?: string
  /** What the engine or client threw, for whoever debugs (Error's own `cause`). */
  readonly cause?: unknown
}> {}
