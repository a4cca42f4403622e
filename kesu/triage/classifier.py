"""Problem-area suggestions from a complaint's text: a small multi-label classifier.

Character 1–2-grams (Chinese summaries have no spaces, so the n-grams stand in for words),
weighted by TF-IDF, feed one linear support-vector machine per label, its classes weighted
by their size so that rare labels are not drowned by the common ones. A complaint gets every
label with a positive margin, and always at least the one with the largest.

scikit-learn trains (in seconds on thousands of complaints); the model is then kept as plain
weights, so loading and classifying need neither scikit-learn nor NumPy: a gzipped JSON file
of a few hundred KB, loaded in well under a second, many thousands of texts a second on one
core. docs/triage.md has the measurements behind these choices.
"""

from __future__ import annotations

import gzip
import heapq
import json
import math
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
    max_n: int = 2
    # The SVM's regularisation: larger fits the training complaints more closely.
    c: float = 1.0
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
    # A margin of 1 (the SVM's "sure") reads as 0.88: a squashed margin, not a probability.
    score *= 2.0
    if score >= 0:
        return 1.0 / (1.0 + math.exp(-score))
    odds = math.exp(score)
    return odds / (1.0 + odds)


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

    def _scores(self, vector: list[tuple[str, float]]) -> tuple[list[float], list]:
        """Each label's margin, and the (gram, value, row) of the grams the model weighs."""
        scores = list(self.bias)
        weights = self.weights
        found = []
        for gram, value in vector:
            row = weights.get(gram)
            if row is not None:
                scores = [score + weight * value for score, weight in zip(scores, row, strict=True)]
                found.append((gram, value, row))
        return scores, found

    def probabilities(self, text: str) -> list[float]:
        return [_sigmoid(score) for score in self._scores(self.vector(text))[0]]

    def grams(self, text: str) -> Counter[str]:
        """The text's n-grams: the same for every model of the same settings, so several
        models of one text (kesu/complaints/triage_suggestions.py) count them once."""
        return char_ngrams(text, self.settings.min_n, self.settings.max_n)

    def predict(self, text: str, evidence: int = 3) -> list[Suggestion]:
        """The labels whose probability passes their threshold, most confident first."""
        return self.predict_grams(self.grams(text), evidence)

    def predict_grams(self, grams: Counter[str], evidence: int = 3) -> list[Suggestion]:
        """predict() of a text whose n-grams (Model.grams) are already counted."""
        vector = self.vector_from_grams(grams)
        if not vector:
            # Nothing the model knows (empty, only unseen symbols): no guess at all.
            return []
        scores, found = self._scores(vector)
        chosen = self._chosen([_sigmoid(score) for score in scores])
        suggestions = []
        for index in chosen:
            confidence = _sigmoid(scores[index])
            pulls = heapq.nlargest(
                evidence, ((row[index] * value, gram) for gram, value, row in found)
            )
            words = tuple(gram.strip("\x02\x03") for pull, gram in pulls if pull > 0)
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
        if not self.vector(text):
            return set()
        return {self.labels[index] for index in self._chosen(self.probabilities(text))}

    def save(self, path: Path | str) -> None:
        Path(path).write_bytes(self.to_bytes())

    def to_bytes(self) -> bytes:
        """The model as the gzipped JSON its file holds (a TrainedModel's weights, too)."""
        kept = {
            gram: [round(weight, 4) for weight in row]
            for gram, row in self.weights.items()
            if max(abs(weight) for weight in row) >= 1e-3
        }
        payload = {
            "format": FORMAT,
            "labels": self.labels,
            "settings": self.settings.__dict__,
            # Every gram's IDF, kept or not: each counts in a text's length.
            "idf": {gram: round(value, 4) for gram, value in self.idf.items()},
            "weights": kept,
            "bias": [round(value, 4) for value in self.bias],
            "thresholds": [round(value, 4) for value in self.thresholds],
        }
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        # mtime=0: the same model gives the same bytes, so a rebuild shows no spurious change.
        return gzip.compress(data, mtime=0)


def load(path: Path | str) -> Model:
    return from_bytes(Path(path).read_bytes(), str(path))


def from_bytes(data: bytes, name: str = "The data") -> Model:
    """A model from the gzipped JSON of its file (or of a TrainedModel's weights)."""
    payload = json.loads(gzip.decompress(data))
    if payload.get("format") != FORMAT:
        raise ValueError(f"{name} is not a Kesu triage model ({payload.get('format')!r}).")
    return Model(
        labels=payload["labels"],
        settings=Settings(**payload["settings"]),
        idf=payload["idf"],
        weights=payload["weights"],
        bias=payload["bias"],
        thresholds=payload["thresholds"],
    )


def train(
    texts: Sequence[str],
    label_sets: Sequence[Iterable[str]],
    settings: Settings | None = None,
) -> Model:
    """A model for ``texts`` and their sets of labels (a text may have several)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    settings = settings or Settings()
    label_sets = [set(label_set) for label_set in label_sets]
    if len(texts) != len(label_sets):
        raise ValueError("Every text needs its set of labels.")
    labels = sorted(set().union(*label_sets)) if label_sets else []
    if not labels:
        raise ValueError("The training data has no labels to learn.")

    def grams(text: str) -> list[str]:
        counts = char_ngrams(text, settings.min_n, settings.max_n)
        return [gram for gram, count in counts.items() for _ in range(count)]

    # Same weighting as Model.vector: sublinear counts, smoothed IDF, unit length.
    vectoriser = TfidfVectorizer(analyzer=grams, sublinear_tf=True, lowercase=False)
    matrix = vectoriser.fit_transform(texts)
    vocabulary = vectoriser.get_feature_names_out()
    columns: list[list[float]] = []
    bias: list[float] = []
    for label in labels:
        target = [label in label_set for label_set in label_sets]
        if all(target):
            columns.append([0.0] * len(vocabulary))
            bias.append(1.0)
            continue
        svm = LinearSVC(C=settings.c, class_weight="balanced", random_state=settings.seed)
        svm.fit(matrix, target)
        columns.append(svm.coef_[0].tolist())
        bias.append(float(svm.intercept_[0]))
    weights = {
        str(gram): [column[position] for column in columns]
        for position, gram in enumerate(vocabulary)
    }
    idf = {str(gram): float(value) for gram, value in zip(vocabulary, vectoriser.idf_, strict=True)}
    return Model(labels, settings, idf, weights, bias, [0.5] * len(labels))
