/** Numeric columns per branch; SQL NULL reads as NaN. */
export type BranchColumns = ReadonlyMap<string, ReadonlyMap<string, Float64Array>>

/** A table's rows by branch, and the rows left out because their branch cell is empty. */
export interface BranchTable {
  readonly branches: BranchColumns
  /** Rows whose branch is NULL, empty or blank: in no branch. */
  readonly withoutBranch: {
    readonly rows: number
    /** The first of them, 1-based as the data rows are counted (the header is not a row). */
    readonly firstRow?: number
  }
}

/**
 * Query columns — the branch as text, then `columns` as numbers or NULL — split by branch,
 * branches sorted by name. A cell that is not a number (NULL) reads as NaN.
 */
export const branchTableOf = (
  cells: ReadonlyArray<ReadonlyArray<unknown>>,
  columns: ReadonlyArray<string>,
): BranchTable => {
  const rowsByBranch = new Map<string, number[]>()
  let withoutBranch = 0
  let firstWithoutBranch: number | undefined
  ;(cells[0] ?? []).forEach((branch, row) => {
    const key = typeof branch === "string" ? branch : ""
    if (key.trim() === "") {
      withoutBranch++
      firstWithoutBranch ??= row + 1
      return
    }
    const rows = rowsByBranch.get(key) ?? []
    rows.push(row)
    rowsByBranch.set(key, rows)
  })
  const branches = new Map<string, ReadonlyMap<string, Float64Array>>()
  for (const [branch, rows] of [...rowsByBranch].sort(([a], [b]) => a.localeCompare(b))) {
    branches.set(
      branch,
      new Map(
        columns.map((column, index) => {
          const values = cells[index + 1] ?? []
          return [
            column,
            Float64Array.from(rows, (row) => {
              const value = values[row]
              return typeof value === "number" ? value : Number.NaN
            }),
          ]
        }),
      ),
    )
  }
  return {
    branches,
    withoutBranch: {
      rows: withoutBranch,
      ...(firstWithoutBranch === undefined ? {} : { firstRow: firstWithoutBranch }),
    },
  }
}
