"""Problem-area suggestions from a complaint's text: a small multi-label classifier.

Character n-grams (Chinese summaries have no spaces, so the n-grams stand in for words),
weighted by TF-IDF, feed one logistic regression per label trained by stochastic gradient
descent. Each label's decision threshold is chosen on out-of-fold scores, so rare labels are
not drowned by the common ones. Plain Python: it trains in seconds on a few thousand short
texts, loads in milliseconds and classifies many thousands of texts a second on one core.
"""

from __future__ import annotations

import gzip
import json
import math
import random
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = "kesu-triage/1"
# Past this, more text only repeats what the summary already said and costs time.
MAX_CHARS = 2000


@dataclass(frozen=True)
class Suggestion:
    label: str
    confidence: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Settings:
    min_n: int = 1
    max_n: int = 3
    epochs: int = 12
    learning_rate: float = 0.5
    l2: float = 1e-5
    # Positives of a label weigh more than its negatives: most labels are rare.
    positive_weight: float = 2.0
    folds: int = 3
    min_document_frequency: int = 1
    seed: int = 13


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return " ".join(text.split())[:MAX_CHARS]


def char_ngrams(text: str, min_n: int, max_n: int) -> Counter[str]:
    padded = f"\x02{normalise(text)}\x03"
    grams: Counter[str] = Counter()
    for n in range(min_n, max_n + 1):
        for start in range(len(padded) - n + 1):
            gram = padded[start : start + n]
            if not gram.isspace():
                grams[gram] += 1
    # The two padding marks alone say nothing.
    grams.pop("\x02", None)
    grams.pop("\x03", None)
    return grams


def _sigmoid(score: float) -> float:
    if score >= 0:
        return 1.0 / (1.0 + math.exp(-score))
    odds = math.exp(score)
    return odds / (1.0 + odds)


def _best_threshold(scored: list[tuple[float, bool]]) -> float:
    """The probability cut that maximises this label's F1 on out-of-fold scores."""
    positives = sum(1 for _, is_positive in scored if is_positive)
    if positives == 0:
        return 0.5
    best_f1, best_cut = 0.0, 0.5
    true_pos = 0
    ordered = sorted(scored, key=lambda pair: -pair[0])
    for rank, (probability, is_positive) in enumerate(ordered, start=1):
        true_pos += is_positive
        f1 = 2 * true_pos / (rank + positives)
        next_probability = ordered[rank][0] if rank < len(ordered) else 0.0
        if f1 > best_f1 and next_probability < probability:
            best_f1, best_cut = f1, (probability + next_probability) / 2
    return min(max(best_cut, 0.05), 0.95)


@dataclass
class Model:
    labels: list[str]
    settings: Settings
    idf: dict[str, float]
    weights: dict[str, list[float]]
    bias: list[float]
    thresholds: list[float] = field(default_factory=list)

    def vector(self, text: str) -> list[tuple[str, float]]:
        return self.vector_from_grams(char_ngrams(text, self.settings.min_n, self.settings.max_n))

    def vector_from_grams(self, grams: Counter[str]) -> list[tuple[str, float]]:
        weighted = [
            (gram, (1.0 + math.log(count)) * self.idf[gram])
            for gram, count in grams.items()
            if gram in self.idf
        ]
        norm = math.sqrt(sum(value * value for _, value in weighted)) or 1.0
        return [(gram, value / norm) for gram, value in weighted]

    def probabilities(self, text: str) -> list[float]:
        scores = list(self.bias)
        weights = self.weights
        for gram, value in self.vector(text):
            row = weights.get(gram)
            if row is not None:
                for index, weight in enumerate(row):
                    scores[index] += weight * value
        return [_sigmoid(score) for score in scores]

    def predict(self, text: str, evidence: int = 3) -> list[Suggestion]:
        """The labels whose probability passes their threshold, most confident first."""
        vector = self.vector(text)
        scores = list(self.bias)
        for gram, value in vector:
            row = self.weights.get(gram)
            if row is not None:
                for index, weight in enumerate(row):
                    scores[index] += weight * value
        chosen = self._chosen([_sigmoid(score) for score in scores])
        suggestions = []
        for index in chosen:
            confidence = _sigmoid(scores[index])
            pulls = sorted(
                (
                    (self.weights[gram][index] * value, gram)
                    for gram, value in vector
                    if gram in self.weights
                ),
                reverse=True,
            )
            words = tuple(gram.strip("\x02\x03") for pull, gram in pulls[:evidence] if pull > 0)
            suggestions.append(Suggestion(self.labels[index], round(confidence, 3), words))
        return sorted(suggestions, key=lambda suggestion: -suggestion.confidence)

    def _chosen(self, probabilities: list[float]) -> list[int]:
        """The labels past their threshold; a complaint always has one: the nearest to it."""
        passed = [
            index
            for index, (probability, threshold) in enumerate(
                zip(probabilities, self.thresholds, strict=True)
            )
            if probability >= threshold
        ]
        if passed or not probabilities:
            return passed
        return [max(range(len(probabilities)), key=lambda i: probabilities[i] / self.thresholds[i])]

    def predict_labels(self, text: str) -> set[str]:
        return {self.labels[index] for index in self._chosen(self.probabilities(text))}

    def save(self, path: Path | str) -> None:
        kept = {
            gram: [round(weight, 4) for weight in row]
            for gram, row in self.weights.items()
            if max(abs(weight) for weight in row) >= 1e-3
        }
        payload = {
            "format": FORMAT,
            "labels": self.labels,
            "settings": self.settings.__dict__,
            "idf": {gram: round(self.idf[gram], 4) for gram in kept},
            "weights": kept,
            "bias": [round(value, 4) for value in self.bias],
            "thresholds": [round(value, 4) for value in self.thresholds],
        }
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        # mtime=0: the same model gives the same file, so a rebuild shows no spurious change.
        Path(path).write_bytes(gzip.compress(data, mtime=0))


def load(path: Path | str) -> Model:
    payload = json.loads(gzip.decompress(Path(path).read_bytes()))
    if payload.get("format") != FORMAT:
        raise ValueError(f"{path} is not a Kesu triage model ({payload.get('format')!r}).")
    return Model(
        labels=payload["labels"],
        settings=Settings(**payload["settings"]),
        idf=payload["idf"],
        weights=payload["weights"],
        bias=payload["bias"],
        thresholds=payload["thresholds"],
    )


def _fit(
    texts: Sequence[str],
    label_sets: Sequence[Iterable[str]],
    labels: list[str],
    settings: Settings,
) -> Model:
    documents = [char_ngrams(text, settings.min_n, settings.max_n) for text in texts]
    frequency: Counter[str] = Counter()
    for grams in documents:
        frequency.update(grams.keys())
    total = len(documents)
    idf = {
        gram: math.log((1 + total) / (1 + count)) + 1.0
        for gram, count in frequency.items()
        if count >= settings.min_document_frequency
    }
    model = Model(labels, settings, idf, {}, [0.0] * len(labels), [0.5] * len(labels))
    vectors = [model.vector_from_grams(grams) for grams in documents]
    position = {label: index for index, label in enumerate(labels)}
    targets = [[0.0] * len(labels) for _ in texts]
    for target, label_set in zip(targets, label_sets, strict=True):
        for label in label_set:
            if label in position:
                target[position[label]] = 1.0
    _descend(model, vectors, targets, settings)
    return model


def _descend(
    model: Model,
    vectors: list[list[tuple[str, float]]],
    targets: list[list[float]],
    settings: Settings,
) -> None:
    width = len(model.labels)
    weights, bias = model.weights, model.bias
    order = list(range(len(vectors)))
    shuffler = random.Random(settings.seed)
    for epoch in range(settings.epochs):
        shuffler.shuffle(order)
        rate = settings.learning_rate / math.sqrt(1 + epoch)
        for position in order:
            vector, target = vectors[position], targets[position]
            scores = list(bias)
            rows = []
            for gram, value in vector:
                row = weights.get(gram)
                if row is None:
                    row = weights[gram] = [0.0] * width
                rows.append((row, value))
                for index in range(width):
                    scores[index] += row[index] * value
            for index in range(width):
                error = _sigmoid(scores[index]) - target[index]
                if target[index]:
                    error *= settings.positive_weight
                if -1e-3 < error < 1e-3:
                    continue
                bias[index] -= rate * error
                for row, value in rows:
                    row[index] -= rate * (error * value + settings.l2 * row[index])


def train(
    texts: Sequence[str],
    label_sets: Sequence[Iterable[str]],
    settings: Settings | None = None,
) -> Model:
    """A model for ``texts`` and their sets of labels (a text may have none or several)."""
    settings = settings or Settings()
    label_sets = [set(label_set) for label_set in label_sets]
    if len(texts) != len(label_sets):
        raise ValueError("Every text needs its set of labels.")
    labels = sorted(set().union(*label_sets)) if label_sets else []
    if not labels:
        raise ValueError("The training data has no labels to learn.")
    model = _fit(texts, label_sets, labels, settings)
    model.thresholds = _out_of_fold_thresholds(texts, label_sets, labels, settings)
    return model


def _out_of_fold_thresholds(
    texts: Sequence[str], label_sets: list[set[str]], labels: list[str], settings: Settings
) -> list[float]:
    folds = settings.folds
    if folds < 2 or len(texts) < folds * 10:
        return [0.5] * len(labels)
    order = list(range(len(texts)))
    random.Random(settings.seed).shuffle(order)
    scored: list[list[tuple[float, bool]]] = [[] for _ in labels]
    for fold in range(folds):
        held = set(order[fold::folds])
        kept = [index for index in order if index not in held]
        model = _fit(
            [texts[index] for index in kept],
            [label_sets[index] for index in kept],
            labels,
            settings,
        )
        for index in held:
            for column, probability in enumerate(model.probabilities(texts[index])):
                scored[column].append((probability, labels[column] in label_sets[index]))
    return [_best_threshold(pairs) for pairs in scored]
