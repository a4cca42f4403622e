#!/usr/bin/env python
"""How well crisis detection (kesu/triage/crisis.py) does on phrasings: one JSON line.

    .venv/bin/python bench/crisis_eval.py                      # the shipped phrasings, both halves
    .venv/bin/python bench/crisis_eval.py --misses             # … and list what it got wrong
    .venv/bin/python bench/crisis_eval.py --ordinary ../shared/data/car_complaints_12365auto_2020.csv

The phrasings (kesu/triage/data/crisis_phrasings.csv: text, is_crisis, kind, half) were
written by the team: `heldout` was written before the detector and never tuned on, `tune` is
what the patterns were adjusted on. For each half: recall (crisis phrasings flagged),
false-alarm rate (ordinary complaints flagged), recall per kind. `--ordinary CSV` runs the
detector over real complaints (the `desc` column, or `--column`) that carry no crisis label
and reports the share flagged, with the flagged texts under `--misses`.
"""

import argparse
import csv
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(os.environ.get("PYTHONPATH", "").split(os.pathsep)[0] or Path(__file__).parent.parent)
sys.path.insert(0, str(ROOT.resolve()))

from kesu.triage.crisis import KINDS, detect_crisis  # noqa: E402

PHRASINGS = ROOT / "kesu" / "triage" / "data" / "crisis_phrasings.csv"


def read_phrasings(path=PHRASINGS) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def score(rows: list[dict], show_misses: bool = False) -> dict:
    crisis = [r for r in rows if r["is_crisis"] == "1"]
    ordinary = [r for r in rows if r["is_crisis"] != "1"]
    caught = [r for r in crisis if detect_crisis(r["text"])]
    alarms = [r for r in ordinary if detect_crisis(r["text"])]
    per_kind = {}
    for kind in KINDS:
        of_kind = [r for r in crisis if r["kind"] == kind]
        if of_kind:
            hit = sum(1 for r in of_kind if detect_crisis(r["text"]))
            per_kind[kind] = round(hit / len(of_kind), 3)
    result: dict = {
        "crisis": len(crisis),
        "ordinary": len(ordinary),
        "recall": round(len(caught) / len(crisis), 3) if crisis else None,
        "false_alarm_rate": round(len(alarms) / len(ordinary), 3) if ordinary else None,
        "recall_per_kind": per_kind,
    }
    if show_misses:
        result["missed"] = [r["text"] for r in crisis if r not in caught]
        result["false_alarms"] = [
            {"text": r["text"], "words": detect_crisis(r["text"]).words} for r in alarms
        ]
    return result


def ordinary_rate(path: str, column: str, show: bool) -> dict:
    with open(path, encoding="utf-8", newline="") as f:
        texts = [row[column] for row in csv.DictReader(f) if row.get(column)]
    flagged = []
    started = time.perf_counter()
    for text in texts:
        signal = detect_crisis(text)
        if signal:
            flagged.append((text, signal))
    seconds = time.perf_counter() - started
    result: dict = {
        "file": Path(path).name,
        "texts": len(texts),
        "flagged": len(flagged),
        "alarm_rate": round(len(flagged) / len(texts), 4) if texts else None,
        "flagged_kinds": dict(Counter(k for _t, s in flagged for k in s.kinds)),
        "texts_per_s": round(len(texts) / seconds) if seconds else None,
    }
    if show:
        result["flagged_texts"] = [{"text": t, "words": s.words} for t, s in flagged]
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phrasings", default=str(PHRASINGS))
    parser.add_argument("--misses", action="store_true", help="list misses and false alarms")
    parser.add_argument("--ordinary", help="a CSV of real complaints without crisis labels")
    parser.add_argument("--column", default="desc", help="the text column of --ordinary")
    args = parser.parse_args(argv)
    rows = read_phrasings(args.phrasings)
    halves = dict.fromkeys(r["half"] for r in rows)  # heldout, tune, probe1, …
    out: dict = {
        half: score([r for r in rows if r["half"] == half], args.misses) for half in halves
    }
    out["all"] = score(rows)
    if args.ordinary:
        out["ordinary_data"] = ordinary_rate(args.ordinary, args.column, args.misses)
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
