#!/usr/bin/env python
"""How well the triage classifier suggests problem areas (issue 13): one JSON line.

    .venv/bin/python bench/triage_eval.py --train TRAIN.csv --test TEST.csv
    .venv/bin/python bench/triage_eval.py --split-by-time ../shared/data/car_complaints_12365auto_2020.csv --out var/triage

TRAIN and TEST are CSV files like car_complaints_12365auto_2020.csv (columns `desc` and
`problem`, codes such as `A9,H15,`; the code letters are the problem areas). The model learns
from TRAIN only and is scored on TEST: micro-F1, macro-F1 (over the letters TEST holds),
F1 per letter, and classifications a second (one text at a time, one core). Rows without a
code are left out of both: in the development data they are complaints the site had not
coded yet, not complaints without a problem area (`--keep-uncoded` keeps them).

`--model baseline` scores the reference instead: character 1–3-gram TF-IDF and one linear SVM
per letter (scikit-learn). `--split-by-time CSV --out DIR` writes DIR/train.csv (the earlier
weeks) and DIR/test.csv (the later weeks), split in the longest gap between days or before
`--first-test-day`.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("PYTHONPATH", "").split(os.pathsep)[0] or Path(__file__).parent.parent)
sys.path.insert(0, str(ROOT.resolve()))

from kesu.triage import classifier, dataset, evaluation  # noqa: E402


def kesu_model(texts, label_sets):
    model = classifier.train(texts, label_sets)
    return model.predict_labels, model.predict


def baseline_model(texts, label_sets):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer
    from sklearn.svm import LinearSVC

    binariser = MultiLabelBinarizer()
    targets = binariser.fit_transform(label_sets)
    vectoriser = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    svm = OneVsRestClassifier(LinearSVC()).fit(vectoriser.fit_transform(texts), targets)

    def labels(text):
        row = svm.predict(vectoriser.transform([text]))[0]
        return {label for label, chosen in zip(binariser.classes_, row, strict=True) if chosen}

    return labels, labels


MODELS = {"kesu": kesu_model, "baseline": baseline_model}


def evaluate(train_path, test_path, model_name="kesu", keep_uncoded=False, speed_seconds=1.0):
    train = dataset.read_examples(train_path)
    test = dataset.read_examples(test_path)
    if not keep_uncoded:
        train = [example for example in train if example.areas]
        test = [example for example in test if example.areas]
    started = time.perf_counter()
    labels_of, classify = MODELS[model_name](
        [example.text for example in train], [example.areas for example in train]
    )
    train_seconds = time.perf_counter() - started
    predicted = [labels_of(example.text) for example in test]
    scores = evaluation.f1_scores([example.areas for example in test], predicted)
    speed = evaluation.classifications_per_second(
        classify, [example.text for example in test], speed_seconds
    )
    return {
        "model": model_name,
        "train_rows": len(train),
        "test_rows": len(test),
        **scores,
        "classifications_per_s": speed,
        "train_s": round(train_seconds, 2),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path)
    parser.add_argument("--test", type=Path)
    parser.add_argument("--model", choices=sorted(MODELS), default="kesu")
    parser.add_argument("--keep-uncoded", action="store_true")
    parser.add_argument("--speed-seconds", type=float, default=1.0)
    parser.add_argument("--split-by-time", type=Path, metavar="CSV")
    parser.add_argument("--first-test-day", default="")
    parser.add_argument("--out", type=Path, help="folder for --split-by-time's two files")
    args = parser.parse_args(argv)
    if args.split_by_time:
        if not args.out:
            parser.error("--split-by-time needs --out DIR")
        earlier, later = dataset.split_by_time(
            dataset.read_examples(args.split_by_time), args.first_test_day
        )
        args.out.mkdir(parents=True, exist_ok=True)
        dataset.write_examples(args.out / "train.csv", earlier)
        dataset.write_examples(args.out / "test.csv", later)
        print(
            json.dumps(
                {
                    "train_rows": len(earlier),
                    "test_rows": len(later),
                    "first_test_day": later[0].date if later else "",
                }
            )
        )
        return
    if not (args.train and args.test):
        parser.error("--train and --test are both needed (or --split-by-time)")
    result = evaluate(args.train, args.test, args.model, args.keep_uncoded, args.speed_seconds)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
