/**
 * Colours of branches in charts: the reference branch keeps a neutral grey, the others take
 * distinct hues (Tableau 10, which stays distinguishable for most colour-vision deficiencies).
 * The same branch gets the same colour everywhere on a page, because the colour follows the
 * branch's place in the page's branch order, not its place in one chart.
 */
const palette = [
  "#8a8f98",
  "#f58518",
  "#4c78a8",
  "#54a24b",
  "#e45756",
  "#b279a2",
  "#72b7b2",
  "#9d755d",
  "#eeca3b",
  "#ff9da6",
] as const

/** The colour of the branch at `index` in the page's branch order (reference at 0). */
export const branchColour = (index: number): string =>
  palette[((index % palette.length) + palette.length) % palette.length] ?? "#8a8f98"
