"""Figures of a classifier on complaints whose problem areas are known: F1 and speed."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence


def f1_scores(
    truth: Sequence[set[str] | frozenset[str]], predicted: Sequence[set[str] | frozenset[str]]
) -> dict:
    """Micro-F1 over every (complaint, label) pair, macro-F1 over the labels the test holds."""
    labels = sorted(set().union(*truth)) if truth else []
    per_label = {}
    total_tp = total_fp = total_fn = 0
    for label in labels:
        tp = sum(1 for t, p in zip(truth, predicted, strict=True) if label in t and label in p)
        fp = sum(1 for t, p in zip(truth, predicted, strict=True) if label not in t and label in p)
        fn = sum(1 for t, p in zip(truth, predicted, strict=True) if label in t and label not in p)
        per_label[label] = round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else 0.0
        total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
    # Labels guessed that the test never holds still cost micro precision.
    for t, p in zip(truth, predicted, strict=True):
        total_fp += len(set(p) - set(labels) - set(t))
    denominator = 2 * total_tp + total_fp + total_fn
    return {
        "micro_f1": round(2 * total_tp / denominator, 4) if denominator else 0.0,
        "macro_f1": round(sum(per_label.values()) / len(per_label), 4) if per_label else 0.0,
        "per_label_f1": per_label,
    }


def classifications_per_second(
    classify: Callable[[str], object], texts: Sequence[str], min_seconds: float = 1.0
) -> float:
    """One text at a time, as at intake, for at least ``min_seconds``."""
    if not texts:
        return 0.0
    done, started = 0, time.perf_counter()
    while True:
        for text in texts:
            classify(text)
        done += len(texts)
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            return round(done / elapsed, 1)
