/**
 * A function the warehouse has and the analyser would not know: a persistent UDF such as
 * `mozfun.map.get_key` or `udf.normalize_search_engine`. With a `body` (a SQL expression over
 * the arguments, as in `CREATE FUNCTION f(x ANY TYPE) AS (body)`) it is a templated function:
 * arguments may be "ANY TYPE" and each call is typed by analysing the body with the actual
 * argument types. Without a body, `returns` is required and the call is only checked against
 * the argument types ("ANY TYPE" accepts anything).
 */
export interface SqlFunction {
  /** As SQL calls it: at least "dataset.function", e.g. "mozfun.map.get_key". */
  readonly name: string
  /** Types in GoogleSQL spelling, or "ANY TYPE". */
  readonly arguments: ReadonlyArray<{ readonly name: string; readonly type: string }>
  readonly returns?: string
  readonly body?: string
}

/**
 * mozfun functions whose definition is known (from bigquery-etl's `mozfun`): declared in
 * every catalog unless the Layer is given another list.
 */
export const mozfunFunctions: ReadonlyArray<SqlFunction> = [
  {
    // Looks a key up in a map stored as ARRAY<STRUCT<key, value>>; the value's type follows the map's.
    name: "mozfun.map.get_key",
    arguments: [
      { name: "map", type: "ANY TYPE" },
      { name: "k", type: "ANY TYPE" },
    ],
    body: "(SELECT key_value.value FROM UNNEST(map) AS key_value WHERE key_value.key = k LIMIT 1)",
  },
]
