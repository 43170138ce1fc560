import { Effect, Schema } from "effect"
import type { IsoDate } from "../domain/dates.js"
import { configHashesTable } from "../domain/table-names.js"
import { decodeQueryRows } from "../services/warehouse/query-rows.js"
import { Warehouse, type WarehouseError } from "../services/warehouse/warehouse.js"
import {
  configHashColumns,
  deleteConfigHashSql,
  selectConfigHashesSql,
} from "../sql/config-hashes.js"
import { createTableUnlessExistsSql, insertRowsSql } from "../sql/table-statements.js"

/**
 * The shared `config_hashes` table: the hash of the configuration each experiment's results
 * were computed with (config-hash.ts), one row per experiment, so a run can tell which
 * experiments' configurations changed since.
 */

/** Stores the hash of the configuration an experiment's results were computed with. */
export const recordConfigHash = (
  experiment: string,
  hash: string,
  date: IsoDate,
): Effect.Effect<void, WarehouseError, Warehouse> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    // In one statement: experiments run concurrently, and a check then a create could let
    // one replace the table another has just written its row to.
    yield* warehouse.query(
      createTableUnlessExistsSql(warehouse.qualifiedName(configHashesTable), configHashColumns),
      `creating ${configHashesTable} unless it exists`,
    )
    yield* warehouse.query(
      deleteConfigHashSql(configHashesTable, experiment),
      `replacing the configuration hash of ${experiment}`,
    )
    yield* warehouse.query(
      insertRowsSql(configHashesTable, configHashColumns, [[experiment, hash, date]]),
      `recording the configuration hash of ${experiment}`,
    )
  })

const ConfigHashRow = Schema.Struct({ experiment: Schema.String, config_hash: Schema.String })

/** The stored configuration hash of every experiment analysed so far. */
export const storedConfigHashes = (): Effect.Effect<
  ReadonlyMap<string, string>,
  WarehouseError,
  Warehouse
> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    if (!(yield* warehouse.tableExists(configHashesTable))) return new Map()
    const purpose = "reading configuration hashes"
    const result = yield* warehouse.query(selectConfigHashesSql(configHashesTable), purpose)
    const rows = yield* decodeQueryRows(ConfigHashRow, result, {
      purpose,
      table: configHashesTable,
      rowKind: "a configuration hash row",
    })
    return new Map(rows.map((row) => [row.experiment, row.config_hash]))
  })
