import { Html, html } from "./html.js"
import { styles } from "./styles.js"

/**
 * The frame of every page: a whole HTML document with its stylesheet inlined and no
 * reference to anything outside the file. The script only improves things: following a
 * link into a closed <details> opens it; without JavaScript every section still opens by
 * a click.
 */

const enhancement = `
function openTarget() {
  var id = decodeURIComponent(location.hash.slice(1));
  var target = id && document.getElementById(id);
  for (var node = target; node; node = node.parentElement) {
    if (node.tagName === "DETAILS") node.open = true;
  }
  if (target) target.scrollIntoView();
}
addEventListener("hashchange", openTarget);
openTarget();
`

export const page = (title: string, header: Html, main: Html, footer: Html): string =>
  `<!doctype html>\n${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="generator" content="Slipstream"><title>${title}</title><style>${styles}</style></head><body><header class="page-header"><div>${header}</div></header><main>${main}</main><footer>${footer}</footer><script>${new Html(enhancement)}</script></body></html>`}\n`
