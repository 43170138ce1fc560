/** The column that tells which push-down of a batch a row answers. */
export const pushDownMemberColumn = "push_down_member"

/**
 * One query for push-down queries that return the same columns: each one's rows tagged with
 * its index in `members` (`pushDownMemberColumn`), in member order and then `orderBy`.
 */
export const buildPushDownBatchQuery = (
  members: ReadonlyArray<string>,
  orderBy: ReadonlyArray<string>,
): string =>
  `${members
    .map((sql, member) => `SELECT ${member} AS ${pushDownMemberColumn}, * FROM (\n${sql}\n)`)
    .join("\nUNION ALL\n")}\nORDER BY ${[pushDownMemberColumn, ...orderBy].join(", ")}`
