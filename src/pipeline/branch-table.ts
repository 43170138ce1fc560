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

/** A branch cell that names a branch: text, not empty nor blank (NULL names none). */
export const isNamedBranch = (branch: unknown): branch is string =>
  typeof branch === "string" && branch.trim() !== ""

/**
 * Names of lowercase letters, digits and hyphens, which `localeCompare` orders as their code
 * units do: sorting them needs no collator (creating one takes 15–40 ms).
 */
const plainName = /^[a-z0-9-]*$/

/** Branch names sorted as the table lists them: by `localeCompare`. */
export const sortedBranches = (branches: Iterable<string>): ReadonlyArray<string> => {
  const names = [...branches]
  return names.every((name) => plainName.test(name))
    ? names.sort()
    : names.sort((a, b) => a.localeCompare(b))
}
