#!/usr/bin/env python
"""How fast triage suggests, one text at a time on one core (issue 13, item 3): one JSON line.

    .venv/bin/python bench/triage_speed.py [--csv FILE.csv] [--repeat 3]

Texts are the `desc` column of the CSV (by default the tests' 300-row excerpt of the
development data); "long" texts are three of them joined, as a summary plus an account.
Measured: the shipped problem-area model alone (`shipped`), one organisation-sized
single-label model (`organisation_model`, trained here on the same texts with their first
code as the label: 16 values), and everything the API computes without the database
(`all`: the shipped model, four organisation models and the crisis detector).
Each figure is texts per second of CPU time (process time: on a shared machine the wall
clock counts the other processes' turns too), the best of --repeat passes.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("PYTHONPATH", "").split(os.pathsep)[0] or Path(__file__).parent.parent)
sys.path.insert(0, str(ROOT.resolve()))

from kesu.triage import classifier, crisis, dataset  # noqa: E402

SAMPLE = ROOT / "kesu" / "triage" / "tests" / "fixtures" / "complaints_sample.csv"


def rate(function, texts, repeat: int) -> int:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for text in texts:
            function(text)
        best = min(best, time.process_time() - started)
    return round(len(texts) / best)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", type=Path, default=SAMPLE)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    examples = [e for e in dataset.read_examples(args.csv) if e.areas]
    texts = [e.text for e in examples]
    long_texts = ["\n".join(texts[i : i + 3]) for i in range(0, len(texts) - 2)]
    shipped = classifier.load(ROOT / "kesu" / "triage" / "data" / "problem_areas.json.gz")
    single = classifier.train(texts, [{min(e.areas)} for e in examples])
    organisation = [single] * 4

    def everything(text: str) -> None:
        grams = shipped.grams(text)  # as the API does: the n-grams counted once
        shipped.predict_grams(grams)
        for model in organisation:
            model.predict_grams(grams)
        crisis.detect_crisis(text)

    result = {"texts": len(texts), "mean_chars": round(sum(map(len, texts)) / len(texts))}
    result["long_mean_chars"] = round(sum(map(len, long_texts)) / len(long_texts))
    for name, texts_ in (("short", texts), ("long", long_texts)):
        result[f"shipped_{name}_per_s"] = rate(shipped.predict, texts_, args.repeat)
        result[f"organisation_model_{name}_per_s"] = rate(single.predict, texts_, args.repeat)
        result[f"all_{name}_per_s"] = rate(everything, texts_, args.repeat)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
