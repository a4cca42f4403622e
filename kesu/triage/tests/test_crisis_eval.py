"""bench/crisis_eval.py on the shipped phrasings: recall and false alarms, both halves."""

import csv
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

KESU = Path(__file__).resolve().parents[3]
SCRIPT = KESU / "bench" / "crisis_eval.py"
PHRASINGS = KESU / "kesu" / "triage" / "data" / "crisis_phrasings.csv"


def _run(*args):
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def test_the_phrasings_are_what_the_brief_asks_for():
    with open(PHRASINGS, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0].keys() == {"text", "is_crisis", "kind", "half"}
    counts = Counter(r["is_crisis"] for r in rows)
    assert counts["1"] >= 150 and counts["0"] >= 150
    kinds = {r["kind"] for r in rows if r["is_crisis"] == "1"}
    assert kinds == {"media", "social", "regulator", "legal", "protest", "spreading"}
    for half in ("heldout", "tune"):
        of_half = [r for r in rows if r["half"] == half]
        assert {r["kind"] for r in of_half if r["is_crisis"] == "1"} == kinds
        assert len(of_half) >= 150


def test_recall_and_false_alarms_on_the_held_out_half():
    result = _run()
    heldout = result["heldout"]
    assert heldout["recall"] >= 0.9, heldout
    assert heldout["false_alarm_rate"] <= 0.05, heldout
    assert result["tune"]["recall"] >= 0.9 and result["tune"]["false_alarm_rate"] <= 0.05
    assert set(heldout["recall_per_kind"]) == {
        "media",
        "social",
        "regulator",
        "legal",
        "protest",
        "spreading",
    }


def test_ordinary_complaints_of_a_file(tmp_path):
    path = tmp_path / "ordinary.csv"
    path.write_text("desc\n发动机异响\n我要去12315投诉\n变速箱顿挫\n", encoding="utf-8")
    result = _run("--ordinary", path, "--misses")["ordinary_data"]
    assert result["texts"] == 3 and result["flagged"] == 1
    assert result["flagged_texts"][0]["words"] == ["去12315"]
