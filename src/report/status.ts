/**
 * The colour of a status badge. The status itself is data (Experimenter may add words) and
 * is only ever shown as text; the class comes from this fixed set.
 */
export const statusClass = (status: string): string =>
  status === "analysed" ? "status-analysed" : status === "failed" ? "status-failed" : "status-other"
