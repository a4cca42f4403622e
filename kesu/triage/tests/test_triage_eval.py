"""bench/triage_eval.py on the shipped sample: CI's run of the evaluation anyone can repeat."""

import json
import subprocess
import sys
from pathlib import Path

from kesu.triage.tests.conftest import SAMPLE

SCRIPT = Path(__file__).resolve().parents[3] / "bench" / "triage_eval.py"


def _run(*args):
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_split_then_evaluate_prints_one_json_line(tmp_path):
    (split,) = _run("--split-by-time", SAMPLE, "--out", tmp_path)
    assert split["train_rows"] == 180 and split["test_rows"] == 120
    (result,) = _run(
        "--train", tmp_path / "train.csv", "--test", tmp_path / "test.csv", "--speed-seconds", 0.2
    )
    assert {"micro_f1", "macro_f1", "per_label_f1", "classifications_per_s"} <= result.keys()
    assert result["micro_f1"] > 0.58
    assert set(result["per_label_f1"]) <= set("ABCDEFGHIJKLMNOQ")


def test_the_model_beats_the_baseline_on_the_sample(tmp_path):
    _run("--split-by-time", SAMPLE, "--out", tmp_path)
    files = ("--train", tmp_path / "train.csv", "--test", tmp_path / "test.csv")
    (ours,) = _run(*files, "--speed-seconds", 0.1)
    (baseline,) = _run(*files, "--model", "baseline", "--speed-seconds", 0.1)
    assert baseline["model"] == "baseline"
    assert ours["micro_f1"] > baseline["micro_f1"] and ours["macro_f1"] > baseline["macro_f1"]
