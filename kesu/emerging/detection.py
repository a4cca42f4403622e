"""Finding emerging issues: after each deadline sweep (sla's `after_sweep` hook, under Celery
beat and run_worker alike, so within a minute of the complaint that tips a cluster).

Each run, per organisation, locks the organisation's `Watermark` row (a second worker skips
it), reads the complaints received in the last KESU_EMERGING_WINDOW_HOURS (one query on the
(organisation, received_at) index, at most KESU_EMERGING_POOL of them) and looks at those it has
not read yet (ids above the mark):

- a new complaint like a complaint of a cluster of the same model and category still growing
  (its last complaint within the window) joins it: the cluster grows, nobody is told again;
- otherwise the complaints of its model and category it is like, and those they are like
  (text similarity ≥ KESU_EMERGING_SIMILARITY, similarity.py), form a group; a group of at least
  KESU_EMERGING_MIN_SIZE that is well above what the model and category usually get (the
  previous KESU_EMERGING_BASELINE_DAYS scaled to the window: KESU_EMERGING_RATIO times it, and a
  Poisson tail ≤ KESU_EMERGING_CHANCE) becomes an emerging issue, and its customer director(s)
  and the managers of the department that owns the defect are told once.

A complaint belongs to one cluster at most (a unique membership), so running again adds
nothing.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kesu.audit.services import audit_record
from kesu.complaints.choices import Kind
from kesu.complaints.models import Complaint
from kesu.complaints.search import grams_of
from kesu.core.jobs import timed_job
from kesu.emerging.choices import EmergingAudit
from kesu.emerging.models import EmergingIssue, Membership, Watermark
from kesu.emerging.notices import notify_raised
from kesu.emerging.similarity import (
    TITLE_SHARE,
    Weights,
    pieces,
    product_key,
    title_pieces,
)
from kesu.organisation.models import Organisation

# Suggestions and praise are not defects.
KINDS = (Kind.COMPLAINT, Kind.GRIEVANCE)
CLOCK_SLACK = timedelta(minutes=5)
# The usual rate is read from at least this much history, and at most this many complaints.
MIN_BASELINE = timedelta(days=14)
BASELINE_LIMIT = 2000


@dataclass
class _Doc:
    id: int
    branch_id: int
    department_id: int | None
    received_at: datetime
    title: str
    key: tuple[str, int | None]
    pieces: frozenset[str]
    title_pieces: frozenset[str]
    norm: float = 0.0
    title_norm: float = 0.0


@dataclass
class _Cluster:
    issue: EmergingIssue
    members: set[int] = field(default_factory=set)


class _Texts:
    """The weights of the pieces among the window's complaints, whole texts and summaries."""

    def __init__(self, docs: list[_Doc]):
        self.full = Weights(d.pieces for d in docs)
        self.titles = Weights(d.title_pieces for d in docs)
        for d in docs:
            self.measure(d)

    def measure(self, d: _Doc) -> None:
        d.norm = self.full.norm(d.pieces)
        d.title_norm = self.titles.norm(d.title_pieces)

    def sim(self, a: _Doc, b: _Doc) -> float:
        return TITLE_SHARE * self.titles.cosine(
            a.title_pieces, b.title_pieces, a.title_norm, b.title_norm
        ) + (1 - TITLE_SHARE) * self.full.cosine(a.pieces, b.pieces, a.norm, b.norm)


def window() -> timedelta:
    return timedelta(hours=settings.KESU_EMERGING_WINDOW_HOURS)


def detect(now: datetime | None = None) -> int:
    """Run detection for every organisation; returns how many complaints joined a cluster."""
    with timed_job("emerging_issues"):
        now = now or timezone.now()
        return sum(
            detect_for(org_id, now) for org_id in Organisation.objects.values_list("pk", flat=True)
        )


def detect_for(organisation_id: int, now: datetime) -> int:
    Watermark.objects.bulk_create(
        [Watermark(organisation_id=organisation_id)], ignore_conflicts=True
    )
    with transaction.atomic():
        mark = (
            Watermark.objects.select_for_update(skip_locked=True)
            .filter(organisation_id=organisation_id)
            .first()
        )
        if mark is None:  # another worker is at it
            return 0
        docs = _read(_window_rows(organisation_id, now))
        new = sorted(
            (d for d in docs.values() if d.id > mark.last_complaint_id),
            key=lambda d: (d.received_at, d.id),
        )
        joined = 0
        if new:
            joined = _cluster(_Run(organisation_id, docs, now), new)
            mark.last_complaint_id = max(mark.last_complaint_id, max(d.id for d in new))
        mark.ran_at = now
        mark.save(update_fields=["last_complaint_id", "ran_at"])
        return joined


_FIELDS = (
    "id",
    "branch_id",
    "department_id",
    "received_at",
    "title",
    "account",
    "category_id",
    "purchase__product",
)


def _window_rows(organisation_id: int, now: datetime):
    return (
        Complaint.objects.filter(
            organisation_id=organisation_id,
            received_at__gte=now - window(),
            received_at__lte=now + CLOCK_SLACK,
            kind__in=KINDS,
        )
        .order_by("-received_at", "-id")
        .values_list(*_FIELDS)[: settings.KESU_EMERGING_POOL]
    )


def _read(rows) -> dict[int, _Doc]:
    docs = {}
    for pk, branch_id, dept_id, received, title, account, category_id, product in rows:
        model = product_key(product or "")
        # The model's own name says nothing about the defect: its pieces are left out.
        own = frozenset(grams_of(product or "", model.replace(" ", "")))
        docs[pk] = _Doc(
            pk,
            branch_id,
            dept_id,
            received,
            title,
            (model, category_id),
            pieces(title, account) - own,
            title_pieces(title) - own,
        )
    return docs


class _Run:
    def __init__(self, organisation_id: int, docs: dict[int, _Doc], now: datetime):
        self.organisation_id = organisation_id
        self.docs = docs
        self.now = now
        self.texts = _Texts(list(docs.values()))
        self.by_key: dict[tuple, list[_Doc]] = defaultdict(list)
        for d in docs.values():
            self.by_key[d.key].append(d)
        self.threshold = settings.KESU_EMERGING_SIMILARITY
        clustered = Membership.objects.filter(complaint_id__in=list(docs)).values_list(
            "issue_id", "complaint_id"
        )
        self.cluster_of: dict[int, int] = {c: i for i, c in clustered}
        issues = EmergingIssue.objects.filter(
            organisation_id=organisation_id,
            pk__in=set(self.cluster_of.values()),
            last_seen__gte=now - window(),
        )
        self.clusters: dict[int, _Cluster] = {i.pk: _Cluster(i) for i in issues}
        for complaint_id, issue_id in self.cluster_of.items():
            if issue_id in self.clusters:
                self.clusters[issue_id].members.add(complaint_id)
        self.first_received: datetime | None = None

    def similar(self, doc: _Doc) -> list[tuple[_Doc, float]]:
        out = []
        for other in self.by_key[doc.key]:
            if other.id != doc.id:
                s = self.texts.sim(doc, other)
                if s >= self.threshold:
                    out.append((other, s))
        return sorted(out, key=lambda pair: -pair[1])

    def like(self, doc: _Doc, members: list[_Doc]) -> float | None:
        """Its best similarity when `doc` is like at least half of `members` (so that a chain
        of each like the next does not make a cluster of unlike ones), else None."""
        sims = [self.texts.sim(doc, m) for m in members if m.id != doc.id]
        alike = [s for s in sims if s >= self.threshold]
        if not sims or len(alike) * 2 < len(sims):
            return None
        return max(alike)

    def join(self, doc: _Doc, near: list[tuple[_Doc, float]]) -> bool:
        """The new complaint joins the growing cluster of a neighbour it is like."""
        tried: set[int] = set()
        for other, _ in near:
            issue_id = self.cluster_of.get(other.id)
            if issue_id not in self.clusters or issue_id in tried:
                continue
            tried.add(issue_id)
            cluster = self.clusters[issue_id]
            members = [self.docs[m] for m in cluster.members if m in self.docs]
            best = self.like(doc, members)
            if best is None:
                continue
            _add_members(cluster.issue, [doc], {doc.id: best})
            cluster.members.add(doc.id)
            self.cluster_of[doc.id] = cluster.issue.pk
            return True
        return False

    def group(self, doc: _Doc, near) -> tuple[list[_Doc], dict[int, float]]:
        """The complaints not in a cluster that are like `doc` and each other: each one taken
        in is like at least half of those taken before it."""
        members, best = [doc], {doc.id: 0.0}
        queue = [other for other, _ in near]
        seen = {doc.id, *(o.id for o in queue)}
        while queue:
            other = queue.pop(0)
            if other.id in self.cluster_of:
                continue
            s = self.like(other, members)
            if s is None:
                continue
            members.append(other)
            best[other.id] = s
            best[doc.id] = max(best[doc.id], self.texts.sim(doc, other))
            for further, _ in self.similar(other):
                if further.id not in seen:
                    seen.add(further.id)
                    queue.append(further)
        return sorted(members, key=lambda d: (d.received_at, d.id)), best

    def expected(self, members: list[_Doc]) -> float:
        """How many complaints like these the model and category usually get in a window: those
        of the previous KESU_EMERGING_BASELINE_DAYS (or as far back as the organisation's
        complaints go, when they began later) like the cluster, scaled to the window."""
        start = self.now - window()
        days = timedelta(days=settings.KESU_EMERGING_BASELINE_DAYS)
        if self.first_received is None:
            self.first_received = (
                Complaint.objects.filter(organisation_id=self.organisation_id)
                .order_by("received_at")
                .values_list("received_at", flat=True)
                .first()
            ) or start
        covered = min(days, max(start - self.first_received, MIN_BASELINE))
        rows = baseline_rows(self.organisation_id, members[0].key, start - covered, start)
        past = _read(rows)
        for d in past.values():
            self.texts.measure(d)
        usual = sum(1 for d in past.values() if self.like(d, members) is not None)
        return usual * (window() / covered)


def baseline_rows(organisation_id: int, key: tuple[str, int | None], since, until):
    """The model and category's complaints received in [since, until), the newest first."""
    model, category_id = key
    qs = Complaint.objects.filter(
        organisation_id=organisation_id,
        received_at__gte=since,
        received_at__lt=until,
        kind__in=KINDS,
    )
    qs = qs.filter(category_id=category_id) if category_id else qs.filter(category__isnull=True)
    if model:
        qs = qs.filter(Q(purchase__product=model) | Q(purchase__product__startswith=f"{model} "))
    else:
        qs = qs.filter(Q(purchase__isnull=True) | Q(purchase__product=""))
    return qs.order_by("-received_at", "-id").values_list(*_FIELDS)[:BASELINE_LIMIT]


def _cluster(run: _Run, new: list[_Doc]) -> int:
    joined = 0
    for doc in new:
        if doc.id in run.cluster_of:
            continue
        near = run.similar(doc)
        if not near:
            continue
        if run.join(doc, near):
            joined += 1
            continue
        members, best = run.group(doc, near)
        if len(members) < settings.KESU_EMERGING_MIN_SIZE:
            continue
        usual = run.expected(members)
        if not significant(len(members), usual):
            continue
        issue = _raise(run, members, best, usual)
        run.clusters[issue.pk] = _Cluster(issue, {m.id for m in members})
        for m in members:
            run.cluster_of[m.id] = issue.pk
        joined += len(members)
    return joined


def chance(k: int, expected: float) -> float:
    """The probability of k or more complaints where `expected` are usual (Poisson)."""
    if expected <= 0:
        return 0.0
    term = total = math.exp(-expected)
    for i in range(1, k):
        term *= expected / i
        total += term
    return max(0.0, 1.0 - total)


def significant(size: int, expected: float) -> bool:
    return (
        size >= settings.KESU_EMERGING_MIN_SIZE
        and size >= settings.KESU_EMERGING_RATIO * expected
        and chance(size, expected) <= settings.KESU_EMERGING_CHANCE
    )


def _add_members(issue: EmergingIssue, members: list[_Doc], best: dict[int, float]) -> None:
    Membership.objects.bulk_create(
        [
            Membership(
                issue=issue,
                complaint_id=m.id,
                branch_id=m.branch_id,
                received_at=m.received_at,
                similarity=round(best.get(m.id, 0.0), 3),
            )
            for m in members
        ],
        ignore_conflicts=True,
    )
    issue.size = Membership.objects.filter(issue=issue).count()
    issue.first_seen = min([issue.first_seen, *(m.received_at for m in members)])
    issue.last_seen = max([issue.last_seen, *(m.received_at for m in members)])
    if issue.branch_id and any(m.branch_id != issue.branch_id for m in members):
        issue.branch = None  # now from several branches: group-wide
    issue.save(update_fields=["size", "first_seen", "last_seen", "branch", "updated_at"])


def _label(run: _Run, members: list[_Doc]) -> str:
    """The summary of the complaint most like the others: a label in staff's own words."""
    central = max(members, key=lambda m: (sum(run.texts.sim(m, o) for o in members), -m.id))
    return (central.title or "")[:100]


def _raise(run: _Run, members: list[_Doc], best: dict[int, float], usual: float):
    organisation_id = run.organisation_id
    model, category_id = members[0].key
    branches = {m.branch_id for m in members}
    departments = Counter(m.department_id for m in members if m.department_id)
    first = members[0]
    issue = EmergingIssue.objects.create(
        organisation_id=organisation_id,
        branch_id=first.branch_id if len(branches) == 1 else None,
        product=model,
        category_id=category_id,
        department_id=departments.most_common(1)[0][0] if departments else None,
        label=_label(run, members),
        first_seen=first.received_at,
        last_seen=members[-1].received_at,
        size=0,
        expected=round(usual, 3),
    )
    _add_members(issue, members, best)
    audit_record(
        organisation_id=organisation_id,
        actor=None,
        action=EmergingAudit.RAISED,
        obj=issue,
        complaint_id=first.id,
        data={
            "emerging_id": issue.pk,
            "text": issue.label,
            "size": issue.size,
            "expected": issue.expected,
            "complaints": [m.id for m in members],
        },
    )
    notify_raised(issue, sorted(branches))
    return issue
