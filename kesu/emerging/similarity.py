"""How alike two complaints' texts are, and which product model a complaint is about.

Chinese has no spaces, so a text is read as its pairs of neighbouring characters (and whole
Latin words and numbers), the pieces the search indexes (`grams_of`). Two texts are compared by
the cosine of their pieces weighted by how rare each piece is among the complaints compared
(inverse document frequency): pieces every account has ("问题", "希望", the model's name) count
for little, the defect's own words ("链条", "正时") for much.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable

from kesu.complaints.search import grams_of

# A text is read up to this many characters: the defect is told in the first lines.
MAX_CHARS = 600
_YEAR_OR_TRIM = re.compile(r"^\d")


def product_key(product: str) -> str:
    """The model a purchase's product names, without its model year and trim:
    "上汽大众 朗逸 2023款 1.5L 自动" → "上汽大众 朗逸". Empty when no product is known."""
    words = (product or "").split()
    kept: list[str] = []
    for word in words:
        if kept and _YEAR_OR_TRIM.match(word):
            break
        kept.append(word)
    return " ".join(kept)[:200]


# The summary names the defect; the account adds the customer's words (and the phrases every
# account has). Their similarities count in these shares.
TITLE_SHARE = 0.6


def pieces(title: str, account: str) -> frozenset[str]:
    return frozenset(grams_of(title or "", (account or "")[:MAX_CHARS]))


def title_pieces(title: str) -> frozenset[str]:
    return frozenset(grams_of(title or ""))


# As if the texts compared came with this many more texts that share none of their pieces: a
# window of a few complaints still weighs the pieces they share as rare, as they are among all
# complaints, while in a busy window the pieces most accounts have still weigh little.
PRIOR_DOCUMENTS = 200


class Weights:
    """Inverse document frequencies over a set of texts (their pieces)."""

    def __init__(self, documents: Iterable[frozenset[str]]):
        counts: Counter[str] = Counter()
        n = 0
        for doc in documents:
            counts.update(doc)
            n += 1
        self.n = n
        self.counts = counts

    def of(self, piece: str) -> float:
        return math.log((self.n + PRIOR_DOCUMENTS + 1) / (self.counts.get(piece, 0) + 1)) + 1.0

    def norm(self, doc: frozenset[str]) -> float:
        return math.sqrt(sum(self.of(p) ** 2 for p in doc))

    def cosine(self, a: frozenset[str], b: frozenset[str], norm_a: float, norm_b: float) -> float:
        if not norm_a or not norm_b:
            return 0.0
        shared = a & b if len(a) <= len(b) else b & a
        return sum(self.of(p) ** 2 for p in shared) / (norm_a * norm_b)
