#!/usr/bin/env python
"""Markdown tables from bench/run.py's JSON results, one per file, branch and group side by side.

.venv/bin/python bench/report.py bench/results/pg-10k.json bench/results/pg-100k.json
"""

import json
import sys
from pathlib import Path


def table(path: Path) -> str:
    data = json.loads(path.read_text(encoding="utf-8"))
    meta = data["meta"]
    rows: dict[str, dict[str, dict]] = {}
    for r in data["results"]:
        rows.setdefault(r["op"], {})[r["scope"]] = r
    loads = [r["load"] for r in data["results"] if r.get("load") is not None]
    lines = [
        f"**{meta['server']}, {meta['complaints']:,} complaints** "
        f"({meta['customers']:,} customers, {meta['audit_entries']:,} audit entries; "
        f"commit {meta.get('label') or '?'}, {meta['date']}, "
        f"{meta['requests']} requests per case, load {min(loads):.1f}–{max(loads):.1f})",
        "",
        "| operation | target p95 | branch p50 | p95 | p99 | group p50 | p95 | p99 "
        "| CPU p50 (branch / group) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def cells(r: dict | None) -> str:
        if r is None:
            return " | | "
        mark = " ✗" if r["p95"] > r["target_p95"] else ""
        return f"{r['p50']:.1f} | {r['p95']:.1f}{mark} | {r['p99']:.1f}"

    for op, by_scope in rows.items():
        branch, group = by_scope.get("branch"), by_scope.get("group")
        target = (branch or group)["target_p95"]
        cpu = " / ".join(f"{r['cpu_p50']:.1f}" if r else "–" for r in (branch, group))
        lines.append(f"| {op} | {target} | {cells(branch)} | {cells(group)} | {cpu} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    print("\n\n".join(table(Path(p)) for p in argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
