"""Searching complaints by words in their summary and account, index-backed for Chinese.

Chinese has no spaces, so each complaint keeps `search_grams`: the distinct two-character
pieces of its summary, account and customer's name (and latin words whole and in pairs). On
PostgreSQL a GIN index over `to_tsvector('simple', search_grams)` finds the complaints holding
every pair of a query of two or more characters without reading the table; the exact
substring is then checked on those rows only. On SQLite (the small embedded default) the
pairs are matched with LIKE.
"""

import re

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

# Runs of CJK ideographs, or of letters and digits.
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[0-9a-z]+")


def _pairs(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def grams_of(*texts: str) -> list[str]:
    """The distinct pieces a text is indexed by, in first-seen order."""
    seen: dict[str, None] = {}
    for text in texts:
        for run in _TOKEN.findall((text or "").lower()):
            if not re.match(rf"[{_CJK}]", run):
                seen.setdefault(run)  # a latin word or number, whole
            for pair in _pairs(run):
                seen.setdefault(pair)
    return list(seen)


def search_grams_for(complaint) -> str:
    customer_name = complaint.customer.name if complaint.customer_id else ""
    return " ".join(grams_of(complaint.title, complaint.account, customer_name))


def _query_pairs(text: str) -> list[str]:
    pairs: dict[str, None] = {}
    for run in _TOKEN.findall(text.lower()):
        for pair in _pairs(run) or []:
            pairs.setdefault(pair)
    return list(pairs)


def complaints_matching(qs: QuerySet, text: str) -> QuerySet:
    """Complaints whose summary, account or customer name contains every word of `text`."""
    for word in text.split():
        pairs = _query_pairs(word)
        exact = (
            Q(title__icontains=word)
            | Q(account__icontains=word)
            | Q(customer__name__icontains=word)
        )
        if pairs and connection.vendor == "postgresql":
            tsquery = " & ".join(f"'{p}'" for p in pairs)
            qs = qs.alias(
                **{
                    f"_gram_match_{abs(hash(word))}": RawSQL(
                        "to_tsvector('simple', complaints_complaint.search_grams)"
                        " @@ to_tsquery('simple', %s)",
                        [tsquery],
                        output_field=BooleanField(),
                    )
                }
            ).filter(**{f"_gram_match_{abs(hash(word))}": True})
        elif pairs:
            for pair in pairs:
                qs = qs.filter(search_grams__contains=pair)
        qs = qs.filter(exact)
    return qs
