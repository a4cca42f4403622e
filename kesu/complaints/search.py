"""Searching complaints by words in what was recorded about them, index-backed for Chinese.

Chinese has no spaces, so each complaint keeps `search_grams`: the distinct two-character
pieces of its searched texts (SEARCHED_FIELDS: summary, account, solution, root cause,
corrective and preventive action and its verification, the reasons recorded on it, the staff
it names — who is involved, who made the promise — plus `search_notes`) and of its customer's
name; latin words and numbers are kept whole and in pairs. `search_notes` keeps the texts a
move records only in the timeline (the case summary given when closing, the result of
resolving, the reasons for reopening, escalating, declining …), so they can be found too.

On PostgreSQL a GIN index over `to_tsvector('simple', search_grams)` finds the complaints
holding every pair of a query of two or more characters without reading the table; the exact
substring is then checked on those rows only. On SQLite (the small embedded default) the pairs
are matched with LIKE.

A query of 3–6 digits (or year-digits, e.g. 2026-000006) is a complaint number's tail: it is
turned into the exact numbers it can stand for (this year and last year), which the unique
index on (organisation, number) answers directly at any size.

A third party's reference (a 12315 work order, the manufacturer's case number) often looks
like a number or a phone number; whatever the query looks like, the complaints whose
reference is exactly the query are found too (`reference_matches`, one index probe), and the
words of a reference are searched like the other texts.
"""

import operator
import re
from collections.abc import Iterable
from itertools import repeat

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from kesu.complaints.models import Complaint
from kesu.complaints.numbering import format_number

# The longest search a search box takes: longer words find nothing more, and the address must
# stay well under the server's request-line limit (gunicorn.conf.py).
SEARCH_MAX_LENGTH = 100

# Runs of CJK ideographs, or of letters and digits.
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[0-9a-z]+")

# Texts of the complaint itself that a search reads (the customer's name is read as well).
SEARCHED_FIELDS = (
    "title",
    "account",
    "solution",
    "root_cause",
    "corrective_action",
    "preventive_action",
    "preventive_verification",
    "not_solvable_reason",
    "close_note",
    "severity_override_reason",
    "staff_involved",
    "promise_made_by",
    "third_party_reference",
    "third_party_contact",
    "search_notes",
)
# Texts in a move's timeline entry that are kept in search_notes.
_NOTE_KEYS = ("summary", "reason", "result")


_CJK_FIRST = re.compile(rf"[{_CJK}]")


def _pairs(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def grams_of(*texts: str) -> list[str]:
    """The distinct pieces a text is indexed by, in first-seen order."""
    seen: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        for run in _TOKEN.findall(text.lower()):
            if not _CJK_FIRST.match(run):
                seen.setdefault(run)  # a latin word or number, whole
            # Each pair of neighbours; a pair seen before keeps its place (an import indexes
            # tens of thousands of accounts, so this is done without a Python-level loop).
            seen.update(zip(map(operator.add, run, run[1:]), repeat(None)))
    return list(seen)


def searched_texts(values: dict, customer_name: str = "") -> list[str]:
    """The texts of a complaint (SEARCHED_FIELDS as a dict) and its customer, for grams_of."""
    texts = [values.get(name) or "" for name in SEARCHED_FIELDS]
    return [*texts, customer_name or ""]


def search_grams_for(complaint) -> str:
    customer_name = complaint.customer.name if complaint.customer_id else ""
    values = {name: getattr(complaint, name) for name in SEARCHED_FIELDS}
    return " ".join(grams_of(*searched_texts(values, customer_name)))


def notes_of_move(data: dict) -> list[str]:
    """The texts of a move's timeline entry that only the timeline keeps (summary, reasons…)."""
    notes = []
    for key in _NOTE_KEYS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            notes.append(value.strip())
    return notes


def search_refresh(complaint, changed: Iterable[str], data: dict | None = None) -> list[str]:
    """After a move: keep its summary/reasons and recompute the pieces if a searched text changed.

    `changed` are the complaint's fields the move set, `data` what its timeline entry records.
    Returns the fields to add to the save's update_fields (nothing if nothing searched changed).
    """
    fields = []
    notes = notes_of_move(data or {})
    if notes:
        complaint.search_notes = "\n".join(filter(None, [complaint.search_notes, *notes]))
        fields.append("search_notes")
    if fields or set(changed) & set(SEARCHED_FIELDS):
        complaint.search_grams = search_grams_for(complaint)
        fields.append("search_grams")
    return fields


_NUMBER_TAIL = re.compile(r"(?:(\d{4})-)?(\d{3,6})")


def number_tail(text: str) -> tuple[int | None, int] | None:
    """(year or None, sequence) when `text` is the end of a complaint number, else None."""
    match = _NUMBER_TAIL.fullmatch(text.strip())
    if not match:
        return None
    year = int(match.group(1)) if match.group(1) else None
    return year, int(match.group(2))


def numbers_for_tail(text: str, prefix: str, today=None) -> list[str]:
    """The complaint numbers a tail stands for: its year's, or this year's and last year's."""
    tail = number_tail(text)
    if tail is None:
        return []
    year, sequence = tail
    if year is None:
        this_year = (today or timezone.localdate()).year
        years = [this_year, this_year - 1]
    else:
        years = [year]
    return [format_number(prefix, y, sequence) for y in years]


def reference_forms(text: str) -> list[str]:
    """How a third party's reference typed into a search may be stored: as typed, in capitals,
    in small letters (references are kept as given, e.g. "CRM-2026-0815" or "crm20260815")."""
    text = text.strip()
    return list(dict.fromkeys([text, text.upper(), text.lower()])) if text else []


def reference_matches(organisation_id: int | None, text: str, limit: int = 100) -> list[int]:
    """Ids of the organisation's complaints whose third party's reference is `text` exactly:
    one probe of the (organisation, third_party_reference) index."""
    forms = reference_forms(text)
    if organisation_id is None or not forms:
        return []
    return list(
        Complaint.objects.filter(organisation_id=organisation_id, third_party_reference__in=forms)
        .order_by("-id")
        .values_list("id", flat=True)[:limit]
    )


def complaints_matching(qs: QuerySet, text: str) -> QuerySet:
    """Complaints whose searched texts or customer name contain every word of `text`."""
    return words_matching(qs, text, ("customer__name", *SEARCHED_FIELDS))


def words_matching(
    qs: QuerySet, text: str, fields: Iterable[str], grams_field: str = "search_grams"
) -> QuerySet:
    """Rows of `qs` whose `fields` contain every word of `text`, one of them at least per word.

    The rows keep the pieces of those texts (grams_of) in `grams_field`: on PostgreSQL its GIN
    index over to_tsvector('simple', …) finds the candidates, on SQLite LIKE on the pieces; the
    exact words are then checked on those rows only. Complaints and lessons search this way.
    """
    fields = tuple(fields)
    column = f"{qs.model._meta.db_table}.{qs.model._meta.get_field(grams_field).column}"
    for word in text.split():
        pairs = _query_pairs(word)
        exact = Q()
        for name in fields:
            exact |= Q(**{f"{name}__icontains": word})
        if pairs and connection.vendor == "postgresql":
            tsquery = " & ".join(f"'{p}'" for p in pairs)
            alias = f"_gram_match_{abs(hash(word))}"
            qs = qs.alias(
                **{
                    # The column comes from the model's metadata; the query is a parameter.
                    alias: RawSQL(  # noqa: S611
                        f"to_tsvector('simple', {column}) @@ to_tsquery('simple', %s)",
                        [tsquery],
                        output_field=BooleanField(),
                    )
                }
            ).filter(**{alias: True})
        elif pairs:
            for pair in pairs:
                qs = qs.filter(**{f"{grams_field}__contains": pair})
        qs = qs.filter(exact)
    return qs


def _query_pairs(text: str) -> list[str]:
    pairs: dict[str, None] = {}
    for run in _TOKEN.findall(text.lower()):
        for pair in _pairs(run) or []:
            pairs.setdefault(pair)
    return list(pairs)
