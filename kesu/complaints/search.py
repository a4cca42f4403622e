"""Searching complaints by words in their summary and account."""

from django.db.models import Q, QuerySet


def complaints_matching(qs: QuerySet, text: str) -> QuerySet:
    """Complaints whose summary or account contains every word of `text`.

    A plain substring match for now; it reads every row in scope, which is fine for one
    branch but not for a million complaints (see docs/decisions.md, search).
    """
    for word in text.split():
        qs = qs.filter(Q(title__icontains=word) | Q(account__icontains=word))
    return qs
