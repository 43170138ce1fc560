import json, sys, collections
parser = {json.loads(l)["file"]: json.loads(l) for l in open(sys.argv[1])}
slip = {json.loads(l)["file"]: json.loads(l) for l in open(sys.argv[2])}
key = sys.argv[3] if len(sys.argv) > 3 else "parser"
agree = 0
rows = []
for f, p in parser.items():
    s = slip.get(f)
    if s is None:
        rows.append(("missing", f, "")); continue
    if p[key] == s["ok"]:
        agree += 1
    else:
        kind = "parser accepts, slipstream rejects" if p[key] else "parser rejects, slipstream accepts"
        detail = "; ".join(f"{e['path']}: {e['message']}" for e in s["errors"])[:400] if not s["ok"] else (p["error"] or "")[:300]
        rows.append((kind, f.split("/")[-1], detail))
print(f"agree {agree}/{len(parser)} = {100*agree/len(parser):.1f}%")
for r in sorted(rows): print(" | ".join(r))
