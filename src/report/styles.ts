import { Html } from "./html.js"

/**
 * The one stylesheet of every page, inlined so that a report is a single file that opens
 * anywhere (a bucket, an attachment, offline). Colours are variables, with a dark scheme;
 * green and red are kept for "better" and "worse" and used for nothing else.
 */
export const styles = new Html(`
:root {
  --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --panel: #f6f8fa; --border: #d1d9e0;
  --accent: #0969da; --better: #1a7f37; --better-bg: #dafbe1; --worse: #cf222e;
  --worse-bg: #ffebe9; --neutral: #6e7781;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --border: #3d444d;
    --accent: #4493f8; --better: #3fb950; --better-bg: #12261e; --worse: #f85149;
    --worse-bg: #2d1214; --neutral: #9198a1;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main, .page-header > div, footer { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
.page-header { background: var(--panel); border-bottom: 1px solid var(--border); padding: 20px 0 16px; }
h1 { margin: 0 0 4px; font-size: 1.7rem; line-height: 1.25; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; margin: 28px 0 8px; display: inline; }
section > h2 { display: block; }
h3 { font-size: 1.1rem; margin: 20px 0 8px; color: var(--muted); }
h4 { margin: 0; font-size: 1.05rem; overflow-wrap: anywhere; }
h5 { margin: 14px 0 6px; font-size: .95rem; font-weight: 600; }
code, .slug { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
code.slug { color: var(--muted); font-weight: 400; margin-left: 6px; overflow-wrap: anywhere; }
a { color: var(--accent); }
.facts { display: flex; flex-wrap: wrap; gap: 6px 20px; margin: 8px 0 0; padding: 0; list-style: none; color: var(--muted); }
.facts strong { color: var(--fg); font-weight: 600; }
.tag { display: inline-block; font-size: .75rem; padding: 0 8px; border-radius: 999px; border: 1px solid var(--border); color: var(--muted); font-weight: 500; vertical-align: middle; }
.status { display: inline-block; font-size: .8rem; font-weight: 600; padding: 1px 10px; border-radius: 999px; vertical-align: middle; }
.status-analysed { background: var(--better-bg); color: var(--better); }
.status-failed { background: var(--worse-bg); color: var(--worse); }
.status-other { background: var(--panel); color: var(--muted); border: 1px solid var(--border); }
.branch-list { display: inline-flex; flex-wrap: wrap; gap: 6px; margin: 0; padding: 0; list-style: none; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: baseline; }
nav.toc { margin: 12px 0 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: .9rem; }
.note { color: var(--muted); font-size: .9rem; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; }
thead th { font-size: .8rem; font-weight: 600; color: var(--muted); border-bottom-width: 2px; }
td.interval, td.count { text-align: right; white-space: nowrap; }
td .value { font-weight: 600; }
td .ci, td .p { display: block; font-size: .78rem; color: var(--muted); font-weight: 400; }
td .significance { display: inline-block; margin-top: 2px; font-size: .72rem; padding: 0 6px; border-radius: 4px; cursor: help; }
td .significance.significant { font-weight: 700; color: var(--fg); border: 1.5px solid var(--fg); }
td .significance.uncorrected { font-weight: 400; color: var(--muted); border: 1px dashed var(--muted); }
.statistic-tag { cursor: help; margin-left: 6px; }
.statistic-note { margin: 0 0 6px; font-size: .8rem; }
td.effect-better .value { color: var(--better); }
td.effect-worse .value { color: var(--worse); }
td.missing { color: var(--muted); text-align: center; }
td.reference-note { color: var(--muted); font-size: .8rem; font-style: italic; text-align: center; }
tr.total th, tr.total td { border-bottom: none; }
.table-scroll { overflow-x: auto; max-width: 100%; }
.verdicts { list-style: none; padding: 0; margin: 10px 0; }
.verdicts li { margin: 4px 0; }
.srm-verdict { display: inline-block; padding: 2px 10px; border-radius: 6px; font-weight: 600; }
.srm-verdict.ok { background: var(--better-bg); color: var(--better); }
.srm-verdict.mismatch { background: var(--worse); color: #fff; }
.srm-verdict.unknown { background: var(--panel); color: var(--muted); border: 1px solid var(--border); }
details > summary { cursor: pointer; }
details.period-details > summary { padding: 6px 0; border-bottom: 1px solid var(--border); }
.summary-note { color: var(--muted); font-size: .85rem; margin-left: 10px; }
details.segment { margin: 12px 0 12px 4px; }
details.segment > summary { font-size: 1rem; padding: 4px 0; }
details.numbers > summary { font-size: .85rem; color: var(--muted); margin: 6px 0; }
.metric { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 12px 16px 16px; margin: 12px 0; }
.metric > header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 12px; }
.metric .description { margin: 4px 0 0; color: var(--muted); font-size: .9rem; max-width: 80ch; }
.metric table { background: var(--bg); border-radius: 6px; }
.statistic-body { display: flex; flex-wrap: wrap; gap: 12px 20px; align-items: flex-start; }
.window-note { font-weight: 400; color: var(--muted); font-size: .8rem; margin-left: 6px; }
figure.chart-figure { margin: 8px 0 0; }
figure.chart-figure figcaption { font-size: .8rem; color: var(--muted); margin: 0 0 2px 64px; }
svg.chart { max-width: 100%; height: auto; display: block; overflow: visible; }
svg.chart text { font-size: 11px; fill: var(--muted); font-family: inherit; }
svg.chart .tick line { stroke: var(--border); stroke-width: 1; }
svg.chart .axis { stroke: var(--muted); stroke-width: 1; }
svg.chart .zero { stroke: var(--fg); stroke-width: 1; stroke-dasharray: 4 3; opacity: .6; }
svg.chart .axis-label { fill: var(--fg); font-size: 11px; }
svg.chart .line { fill: none; stroke-width: 2; }
svg.chart .band { opacity: .18; stroke: none; }
svg.chart .label { fill: var(--fg); font-size: 12px; }
.forest-row .interval { stroke-width: 4; stroke-linecap: round; }
.forest-row.effect-better .interval, .forest-row.effect-better .point { stroke: var(--better); fill: var(--better); }
.forest-row.effect-worse .interval, .forest-row.effect-worse .point { stroke: var(--worse); fill: var(--worse); }
.forest-row.effect-neutral .interval, .forest-row.effect-neutral .point { stroke: var(--neutral); fill: var(--neutral); }
.forest-row .point { stroke: var(--bg) !important; stroke-width: 1.5; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 0; margin: 4px 0 0 64px; font-size: .8rem; color: var(--muted); }
table.problems td.message { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 60ch; }
table.problems td.time { color: var(--muted); font-size: .8rem; white-space: nowrap; }
tr.problem .level { font-size: .75rem; font-weight: 700; padding: 1px 8px; border-radius: 4px; }
tr.problem.error .level { background: var(--worse); color: #fff; }
tr.problem.warning .level { background: #bf8700; color: #fff; }
.counts-error { color: var(--worse); font-weight: 600; }
.counts-warning { color: #9a6700; font-weight: 600; }
footer { color: var(--muted); font-size: .8rem; padding-top: 24px; padding-bottom: 32px; }
@media print { details.numbers { display: none; } .metric { break-inside: avoid; } }
`)
