"""Generate many realistic complaints quickly, for benchmarks and demos.

Rows are built in Python and written in batches: with COPY on PostgreSQL, with executemany or
bulk_create elsewhere. Each batch is one transaction that

- reserves its complaint numbers from ComplaintCounter (so normal registration continues after
  them without a collision), and
- appends the complaints' timelines to the organisation's audit chain, hashing each entry with
  `entry_hash` and moving the chain head on, so `verify_audit` passes afterwards.

Both the counter rows and the chain head are locked while a batch is written, so registering
complaints meanwhile is safe, only slower.

The history of each complaint is simulated along the real procedure (workflow.py): register,
confirm, hand over, investigate, propose, accept, resolve, verify, close, with the side roads
(approval of compensation, declined solutions, parking, reopening, withdrawal, merging of
duplicates). Moves that would happen after "now" are not made, so recent complaints are open
in every state and old ones are mostly closed.
"""

import bisect
import json
import operator
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter
from psycopg.types.json import JsonbDumper

from kesu.audit.keys import entry_mac
from kesu.audit.models import AuditChain, AuditEntry
from kesu.audit.services import GENESIS_HASH, complaint_lane, entry_hash, lock_lanes
from kesu.complaints.choices import (
    CauseClass,
    Channel,
    CompensationType,
    ComplaintAction,
    ConfirmationMethod,
    Demand,
    EscalationLevel,
    Kind,
    Move,
    Resolvability,
    Responsibility,
    Satisfaction,
    Severity,
    State,
)
from kesu.complaints.defaults import install_defaults
from kesu.complaints.models import (
    Category,
    Complaint,
    ComplaintCounter,
    SeverityRule,
    in_subtree,
)
from kesu.complaints.numbering import format_number
from kesu.complaints.routing import active_rules, matching_rules
from kesu.complaints.search import grams_of, notes_of_move, searched_texts
from kesu.complaints.severity import SEVERITY_RANK, SeveritySuggestion, apply_crisis_signal
from kesu.customers.choices import PersonalityType, PurchaseKind, Tier
from kesu.customers.models import Customer, Purchase
from kesu.demo import generation_text as text
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, CompensationLimit, Department, Organisation, User
from kesu.organisation.services import DEFAULT_COMPENSATION_LIMITS

BENCH_PASSWORD = "kesu-bench-2026"
# Calendar days from receipt to the resolution deadline by severity (the foundation's defaults;
# deadline policies may compute other ones for complaints registered normally).
RESOLUTION_DAYS = {
    Severity.GENERAL: 3,
    Severity.MEDIUM: 7,
    Severity.MAJOR: 15,
    Severity.IRRATIONAL: 15,
}
HISTORY_DAYS = 730
DEPARTMENTS = [
    ("sales", "销售部"),
    ("service", "售后服务部"),
    ("value_added", "增值业务部"),
    ("care", "客户关爱部"),
]
# (code, name, address, phone, plate prefix, share of the complaints)
BENCH_BRANCHES = [
    ("sh-pudong", "华跃汽车 上海浦东4S店", "上海市浦东新区锦绣路1200号", "021-58001200", "沪A", 35),
    ("hz-xihu", "华跃汽车 杭州西湖4S店", "杭州市西湖区文一西路318号", "0571-88001318", "浙A", 25),
    ("nj-jianye", "华跃汽车 南京建邺4S店", "南京市建邺区江东中路99号", "025-86000099", "苏A", 22),
    ("sz-sip", "华跃汽车 苏州园区4S店", "苏州市工业园区星湖街218号", "0512-62000218", "苏E", 18),
]
# (username suffix, role, department code, title used in the display name)
BENCH_STAFF = [
    ("frontline1", Role.FRONTLINE, "service", "服务顾问"),
    ("frontline2", Role.FRONTLINE, "service", "前台接待"),
    ("frontline3", Role.FRONTLINE, "sales", "销售顾问"),
    ("callback", Role.CALLBACK, "care", "回访专员"),
    ("service_handler", Role.HANDLER, "service", "售后服务总监"),
    ("sales_handler", Role.HANDLER, "sales", "销售总监"),
    ("va_handler", Role.HANDLER, "value_added", "增值业务经理"),
    ("director", Role.DIRECTOR, "care", "客户总监"),
    ("gm", Role.GENERAL_MANAGER, None, "总经理"),
]
CHANNEL_WEIGHTS = {
    Channel.PHONE: 400,
    Channel.WALK_IN: 200,
    Channel.WECHAT: 120,
    Channel.WEB: 60,
    Channel.EMAIL: 30,
    Channel.CALLBACK: 60,
    Channel.MANUFACTURER: 70,
    Channel.SOCIAL: 20,
    Channel.HOTLINE_12315: 15,
    Channel.CONSUMER_ASSOCIATION: 8,
    Channel.MEDIA: 3,
    Channel.LETTER: 5,
    Channel.FAX: 1,
    Channel.COURT: 2,
}
KIND_WEIGHTS = {Kind.COMPLAINT: 70, Kind.GRIEVANCE: 22, Kind.SUGGESTION: 6, Kind.PRAISE: 2}
TIER_WEIGHTS = {
    "": 40,
    Tier.C: 15,
    Tier.B: 15,
    Tier.A: 8,
    Tier.SILVER: 12,
    Tier.GOLD: 8,
    Tier.DIAMOND: 2,
}
HOUR_WEIGHTS = [1, 0, 0, 0, 0, 0, 1, 3, 8, 12, 13, 12, 9, 11, 12, 12, 11, 9, 6, 4, 3, 2, 1, 1]
# Mainland mobile prefixes that phonenumbers accepts as valid (checked in the tests).
MOBILE_PREFIXES = [
    *(f"13{d}" for d in "012356789"),
    *(f"15{d}" for d in "012356789"),
    *(f"18{d}" for d in "012356789"),
    *("166", "173", "175", "176", "177", "191", "198", "199"),
]
VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
PLATE_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
OBJECT_TYPE = Complaint._meta.label_lower
INTERNAL = AuditEntry.Visibility.INTERNAL
SHARED = AuditEntry.Visibility.SHARED
HOUR = 3600.0
DAY = 86400.0


@dataclass
class GenerationResult:
    organisation: Organisation
    complaints: int = 0
    customers: int = 0
    purchases: int = 0
    audit_entries: int = 0
    seconds: float = 0.0
    method: str = ""
    source: str = ""
    states: Counter = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.complaints / self.seconds if self.seconds else 0.0


# ---- The organisation ------------------------------------------------------------------------


def bench_organisation(code: str = "bench") -> tuple[Organisation, bool]:
    """The organisation to generate into: reused if it exists, else created like seed_demo's
    (branches, departments, a user for every role in every branch, defaults installed)."""
    org = Organisation.objects.filter(code=code).first()
    if org is not None:
        install_defaults(org)
        return org, False
    with transaction.atomic():
        org = Organisation.objects.create(
            name="华跃汽车集团（基准数据）", code=code, number_prefix="KS"
        )
        install_defaults(org)
        for role, amount in DEFAULT_COMPENSATION_LIMITS.items():
            CompensationLimit.objects.create(organisation=org, role=role, max_amount=amount)
        rng = random.Random(code)
        password = make_password(BENCH_PASSWORD)  # hashed once, shared by every bench user
        users = []
        for b_code, name, address, phone, _plate, _share in BENCH_BRANCHES:
            branch = Branch.objects.create(
                organisation=org, code=b_code, name=name, address=address, phone=phone
            )
            departments = {
                d_code: Department.objects.create(branch=branch, code=d_code, name=d_name)
                for d_code, d_name in DEPARTMENTS
            }
            for suffix, role, d_code, title in BENCH_STAFF:
                users.append(
                    User(
                        username=f"{code}-{b_code}-{suffix}",
                        display_name=f"{title} {_person_name(rng)}",
                        role=role,
                        organisation=org,
                        branch=branch,
                        department=departments.get(d_code),
                        password=password,
                    )
                )
        users.append(
            User(
                username=f"{code}-group",
                display_name=f"集团客户中心 {_person_name(rng)}",
                role=Role.GROUP,
                organisation=org,
                password=password,
            )
        )
        users.append(
            User(
                username=f"{code}-admin",
                display_name="系统管理员",
                role=Role.ADMIN,
                organisation=org,
                is_staff=True,
                password=password,
            )
        )
        User.objects.bulk_create(users)
    return org, True


@dataclass
class _Person:
    id: int
    role: str
    department_id: int | None


@dataclass
class _BranchStaff:
    """Who does what in one branch; missing roles fall back to someone who may make the move."""

    branch_id: int
    plate: str
    weight: int
    registrars: list[_Person]
    callback: list[_Person]
    handlers: dict[str, list[_Person]]  # by department code; "" holds all of them
    directors: list[_Person]
    gms: list[_Person]
    department_ids: set[int]
    department_of_code: dict[str, int]  # this branch's departments by code
    code_of_department: dict[int | None, str]  # and the other way round

    def handler_for(self, department_id: int | None, rng: random.Random) -> _Person:
        """A handling manager of the complaint's department, or anyone's when it has none."""
        code = self.code_of_department.get(department_id, "service")
        return rng.choice(self.handlers.get(code) or self.handlers[""])

    def route(self, rules, registrar: _Person, **values) -> tuple[int | None, int | None]:
        """(department id, routing rule id) as complaint_register routes (complaints/routing.py)."""
        for rule in matching_rules(rules, **values):
            if rule.department_code in self.department_of_code:
                return self.department_of_code[rule.department_code], rule.pk
        own = registrar.department_id
        return (own if own in self.department_ids else None), None


def _load_staff(org: Organisation) -> list[_BranchStaff]:
    branches = list(Branch.objects.filter(organisation=org).order_by("pk"))
    if not branches:
        raise ValueError(f"Organisation {org.code} has no branch to generate complaints for.")
    departments = list(
        Department.objects.filter(branch__organisation=org).values_list("pk", "code", "branch_id")
    )
    dept_code = {pk: code for pk, code, _ in departments}
    known = {b[0]: b for b in BENCH_BRANCHES}
    people = defaultdict(lambda: defaultdict(list))
    for pk, role, branch_id, department_id in User.objects.filter(
        organisation=org, is_active=True
    ).values_list("pk", "role", "branch_id", "department_id"):
        people[branch_id][role].append(_Person(pk, role, department_id))
    group = people[None][Role.GROUP]
    staff = []
    for branch in branches:
        by_role = people[branch.pk]
        handlers = defaultdict(list)
        for person in by_role[Role.HANDLER]:
            handlers[dept_code.get(person.department_id, "")].append(person)
            handlers[""].append(person)
        directors = by_role[Role.DIRECTOR] or by_role[Role.GENERAL_MANAGER] or group
        gms = by_role[Role.GENERAL_MANAGER] or directors
        registrars = by_role[Role.FRONTLINE] or by_role[Role.HANDLER] or directors
        if not (registrars and directors):
            raise ValueError(
                f"Branch {branch.code} needs a frontline user and a director, a general manager "
                "or a group user before complaints can be generated for it."
            )
        handlers[""] = handlers[""] or directors
        bench = known.get(branch.code)
        staff.append(
            _BranchStaff(
                branch_id=branch.pk,
                plate=bench[4] if bench else "沪A",
                weight=bench[5] if bench else 20,
                registrars=registrars,
                callback=by_role[Role.CALLBACK] or directors,
                handlers=dict(handlers),
                directors=directors,
                gms=gms,
                department_ids={pk for pk, _, b_id in departments if b_id == branch.pk},
                department_of_code={
                    code: pk for pk, code, b_id in departments if b_id == branch.pk
                },
                code_of_department={
                    pk: code for pk, code, b_id in departments if b_id == branch.pk
                },
            )
        )
    return staff


# ---- Writing rows ----------------------------------------------------------------------------


class _Table:
    """The columns of a model in insertion order, with a row template of their defaults."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.attname for f in self.fields]
        self.template = {}
        for f in self.fields:
            if f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif isinstance(f, models.CharField | models.TextField):
                value = ""
            else:
                value = None  # must be given by the generator
            self.template[f.attname] = value
        self.getter = operator.itemgetter(*self.columns)

    def new(self) -> dict:
        # Defaults are shared between rows; the generator replaces values, never mutates them.
        return self.template.copy()

    def tuples(self, rows: Iterable[dict]) -> list[tuple]:
        return list(map(self.getter, rows))


class _JsonbText(JsonbDumper):
    """Dumps dicts and lists straight into jsonb columns during COPY."""

    _dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class _CopyWriter:
    """PostgreSQL COPY FROM STDIN through psycopg: the fastest way in."""

    name = "copy"
    # Send the data from a worker thread, so the server inserts while Python formats rows.
    queued = True

    def write(self, table: _Table, rows: list[tuple]) -> None:
        if not rows:
            return
        qn = connection.ops.quote_name
        cols = ", ".join(qn(f.column) for f in table.fields)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            raw.adapters.register_dumper(dict, _JsonbText)
            raw.adapters.register_dumper(list, _JsonbText)
            sql = f"COPY {qn(table.model._meta.db_table)} ({cols}) FROM STDIN"
            writer = QueuedLibpqWriter(raw) if self.queued else None
            with raw.copy(sql, writer=writer) as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)


class _InsertWriter:
    """One prepared INSERT run with executemany; values adapted the way Django adapts them."""

    name = "insert"

    def write(self, table: _Table, rows: list[tuple]) -> None:
        if not rows:
            return
        conn = connections[DEFAULT_DB_ALIAS]
        qn = conn.ops.quote_name
        adapters = [(i, a) for i, f in enumerate(table.fields) if (a := _adapter(f, conn))]
        if adapters:
            prepared = []
            for row in rows:
                row = list(row)
                for i, adapt in adapters:
                    if row[i] is not None:
                        row[i] = adapt(row[i])
                prepared.append(row)
            rows = prepared
        # Names come from the model, values are parameters.
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            qn(table.model._meta.db_table),
            ", ".join(qn(f.column) for f in table.fields),
            ", ".join(["%s"] * len(table.fields)),
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _adapter(f: models.Field, conn) -> Callable | None:
    """What Django's get_db_prep_save does to a value of this field, minus the overhead."""
    if isinstance(f, models.JSONField):
        return _json
    if conn.vendor == "postgresql":
        return None  # psycopg adapts dates, times and decimals itself
    if isinstance(f, models.DateTimeField):
        return conn.ops.adapt_datetimefield_value
    if isinstance(f, models.DateField):
        return conn.ops.adapt_datefield_value
    if isinstance(f, models.DecimalField):
        return lambda v: conn.ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
    return None


_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class _OrmWriter:
    """bulk_create: portable and the slowest; kept as the baseline."""

    name = "orm"

    def write(self, table: _Table, rows: list[tuple]) -> None:
        if not rows:
            return
        columns = table.columns
        objs = [table.model(**dict(zip(columns, row, strict=True))) for row in rows]
        with _explicit_timestamps(table.model):
            table.model.objects.bulk_create(objs, batch_size=2000)


@contextmanager
def _explicit_timestamps(model: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the generated created_at/updated_at instead of stamping "now"."""
    changed = []
    for f in model._meta.concrete_fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            changed.append((f, f.auto_now, f.auto_now_add))
            f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in changed:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


WRITERS = {"copy": _CopyWriter, "insert": _InsertWriter, "orm": _OrmWriter}


def default_method() -> str:
    return "copy" if connection.vendor == "postgresql" else "insert"


def _allocate_ids(model: type[models.Model], n: int) -> list[int]:
    """Primary keys for n new rows, taken before writing so rows can refer to each other."""
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            return [r[0] for r in cursor.fetchall()]
        # SQLite and others: writers are serialised by the (IMMEDIATE) transaction we are in.
        qn = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(table)}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + n))


# ---- The generator ---------------------------------------------------------------------------

# In a move's changes: "the moment of this move" (confirmed_at, resolved_at, closed_at...).
_AT = object()
# Keys under which workflow.py records changed foreign keys in an entry's data.
_CHANGE_KEYS = {
    "owner_id": "owner",
    "compensation_approved_by_id": "compensation_approved_by",
    "merged_into_id": "merged_into",
}
# The fields complaint_register records in its "register" entry.
_REGISTER_FIELDS = [
    ("branch", "branch_id"),
    ("customer", "customer_id"),
    ("purchase", "purchase_id"),
    ("kind", "kind"),
    ("channel", "channel"),
    ("channel_detail", "channel_detail"),
    ("third_party_reference", "third_party_reference"),
    ("third_party_contact", "third_party_contact"),
    ("title", "title"),
    ("account", "account"),
    ("demand", "demand"),
    ("demand_detail", "demand_detail"),
    ("staff_involved", "staff_involved"),
    ("promise_made_by", "promise_made_by"),
    ("category", "category_id"),
    ("cause", "cause"),
    ("severity", "severity"),
    ("suggested_severity", "suggested_severity"),
    ("severity_reasons", "severity_reasons"),
    ("is_crisis", "is_crisis"),
    ("crisis_signals", "crisis_signals"),
    ("personality_type", "personality_type"),
    ("upset_level", "upset_level"),
    ("due_at", "due_at"),
    ("received_at", "received_at"),
    ("severity_override_reason", "severity_override_reason"),
    ("owner", "owner_id"),
    ("department", "department_id"),
    ("routed_by", "routed_by_id"),
]


@dataclass
class _CustomerInfo:
    index: int
    staff: int  # index of the home branch in _Generator.staff
    vehicle: text.Vehicle
    name: str
    id: int = 0
    purchase_id: int | None = None
    last: "_Recent | None" = None  # the customer's latest complaint


@dataclass(frozen=True, slots=True)
class _Recent:
    """What a duplicate needs of the customer's previous complaint (kept for every customer,
    so it stays small: holding the whole case would keep its timeline in memory)."""

    id: int
    number: str
    received_at: datetime
    closed_at: datetime | None
    merged: bool
    title: str
    kind: str
    category_id: int | None


class _Case:
    """One complaint being generated: its row and its timeline entries."""

    def __init__(self, gen: "_Generator", row: dict, staff: _BranchStaff, top: str, registrar):
        self.gen = gen
        self.row = row
        self.staff = staff
        self.top = top
        self.registrar = registrar
        self.t: datetime = row["received_at"]
        # (at, actor id, action, complaint id, data, visibility)
        self.entries: list[tuple] = []

    def _entry(self, at, actor_id, action, data, visibility=INTERNAL, complaint_id=None) -> None:
        if self.gen.timeline == "full" or action == "register":
            self.entries.append(
                (at, actor_id, action, complaint_id or self.row["id"], data, visibility)
            )

    def register(self, at: datetime) -> None:
        row = self.row
        row["created_at"] = row["updated_at"] = at
        data = {
            "to": State.REGISTERED,
            "number": row["number"],
            "fields": {key: _plain(row[attname]) for key, attname in _REGISTER_FIELDS},
        }
        self._entry(at, row["registered_by_id"], ComplaintAction.REGISTER, data)
        self.t = at

    def move(
        self,
        action: str,
        actor: _Person,
        delay: float,
        target: str | None,
        extra: dict | None = None,
        **changes,
    ) -> bool:
        """Make a move `delay` seconds after the previous one, unless that is after "now"."""
        at = self.t + timedelta(seconds=delay)
        if at > self.gen.now:
            return False
        row = self.row
        before = row["state"]
        diff = {}
        for attname, value in changes.items():
            if value is _AT:
                value = at
            if row[attname] != value:
                diff[_CHANGE_KEYS.get(attname, attname)] = [_plain(row[attname]), _plain(value)]
                row[attname] = value
        if target is not None and "state" not in diff and target != before:
            diff["state"] = [before, target]
            row["state"] = target
        row["version"] += 1
        row["updated_at"] = at
        data = {"from": before, "to": row["state"], "changes": diff}
        if extra:
            data.update(extra)
            if self.gen.search:  # what workflow's search_refresh keeps
                row["search_notes"] = "\n".join(
                    filter(None, [row["search_notes"], *notes_of_move(extra)])
                )
        self._entry(at, actor.id, action, data)
        self.t = at
        return True

    def call(self, delay: float, actor: _Person) -> None:
        """A call with the customer on the timeline; it moves nothing."""
        at = self.t + timedelta(seconds=delay)
        if at <= self.gen.now:
            rng = self.gen.rng
            visibility = SHARED if rng.random() < 0.5 else INTERNAL
            self._entry(
                at,
                actor.id,
                ComplaintAction.CALL,
                {"text": rng.choice(text.CALL_NOTES)},
                visibility,
            )
            self.t = at

    def withdraw(self, delay: float) -> bool:
        reason = self.gen.rng.choice(text.WITHDRAW_REASONS)
        return self.move(
            Move.WITHDRAW,
            self.registrar,
            delay,
            State.WITHDRAWN,
            closed_at=_AT,
            close_reason="withdrawn",
            close_note=reason,
        )

    def merge(self, delay: float, survivor: "_Recent") -> bool:
        """A duplicate of the customer's open complaint is merged into it."""
        at = self.t + timedelta(seconds=delay)
        if at > self.gen.now:
            return False
        self._entry(
            at,
            self.registrar.id,
            ComplaintAction.MERGED_IN,
            {"duplicate": self.row["number"], "duplicate_id": self.row["id"]},
            complaint_id=survivor.id,
        )
        return self.move(
            Move.MERGE,
            self.registrar,
            delay,
            State.MERGED,
            extra={"into": survivor.number},
            merged_into_id=survivor.id,
            closed_at=_AT,
            close_reason="merged",
        )


class _Generator:
    def __init__(
        self,
        org: Organisation,
        *,
        seed: int,
        now: datetime,
        sources: list[text.Source],
        timeline: str,
        writer,
    ):
        self.org = org
        self.rng = random.Random(seed)
        self.now = now
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.timeline = timeline
        self.writer = writer
        self.staff = _load_staff(org)
        self.branch_cum = _cumulative([s.weight for s in self.staff])
        self.categories = {
            c.code: c
            for c in Category.objects.filter(organisation=org, is_active=True).only(
                "pk", "code", "path", "default_cause"
            )
        }
        self.category_by_pk = {c.pk: c for c in self.categories.values()}
        self.routing = active_rules(org.pk)
        self.rules = [
            (r.match, r.value.strip(), r.severity, r.crisis, r.reason_code)
            for r in SeverityRule.objects.filter(organisation=org, is_active=True)
            if r.value.strip()
        ]
        self.limits = dict(DEFAULT_COMPENSATION_LIMITS)
        self.limits.update(
            CompensationLimit.objects.filter(organisation=org).values_list("role", "max_amount")
        )
        self.sources = sources
        self.by_model: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, s in enumerate(sources):
            self.by_model[(s.vehicle.brand, s.vehicle.model)].append(i)
        self.tables = {m: _Table(m) for m in (Customer, Purchase, Complaint, AuditEntry)}
        self.search = "search_grams" in self.tables[Complaint].columns
        self.phones = set(Customer.objects.filter(organisation=org).values_list("phone", flat=True))
        self.customers: list[_CustomerInfo] = []
        self.complaint_customers: list[int] = []  # customer index of every complaint so far
        self.states: Counter = Counter()
        self.channels, self.channel_cum = (
            list(CHANNEL_WEIGHTS),
            _cumulative(CHANNEL_WEIGHTS.values()),
        )
        self.kinds, self.kind_cum = list(KIND_WEIGHTS), _cumulative(KIND_WEIGHTS.values())

    # -- time --

    def received_times(self, count: int) -> list[datetime]:
        """When the complaints came in: the last two years, growing volume, office hours."""
        rng = self.rng
        today = timezone.localtime(self.now, self.tz).date()
        first = today - timedelta(days=HISTORY_DAYS - 1)
        weights = []
        for i in range(HISTORY_DAYS):
            w = 0.7 + 0.6 * i / HISTORY_DAYS  # more customers, more complaints
            if (first + timedelta(days=i)).weekday() >= 5:
                w *= 1.25  # dealerships are busiest at weekends
            weights.append(w)
        day_cum, hour_cum = _cumulative(weights), _cumulative(HOUR_WEIGHTS)
        result = []
        for _ in range(count):
            day = first + timedelta(days=_pick(rng, day_cum))
            local = datetime(
                day.year,
                day.month,
                day.day,
                _pick(rng, hour_cum),
                rng.randrange(60),
                rng.randrange(60),
                rng.randrange(1_000_000),
                tzinfo=self.tz,
            )
            moment = local.astimezone(UTC)
            if moment > self.now:
                moment = self.now - timedelta(seconds=rng.uniform(60, 4 * HOUR))
            result.append(moment)
        result.sort()
        return result

    # -- a batch --

    def write_batch(self, received: Sequence[datetime]) -> dict[str, int]:
        """Plan, number, chain and write one batch. Call inside a transaction."""
        rng = self.rng
        customers, purchases, new_infos, plans = [], [], [], []
        for moment in received:
            roll = rng.random()
            calls_again = bool(self.complaint_customers) and roll < 0.012
            if calls_again:
                # Calling again about what they reported a moment ago: a likely duplicate.
                info = self.customers[rng.choice(self.complaint_customers[-20:])]
                source = rng.choice(self.sources)
                staff_index = info.staff
            elif self.complaint_customers and roll < 0.58:
                # A returning customer; frequent complainers come back more often.
                info = self.customers[rng.choice(self.complaint_customers)]
                candidates = self.by_model.get((info.vehicle.brand, info.vehicle.model))
                source = self.sources[rng.choice(candidates)] if candidates else None
                source = source or rng.choice(self.sources)
                staff_index = info.staff if rng.random() < 0.9 else self._pick_branch()
            else:
                source = rng.choice(self.sources)
                staff_index = self._pick_branch()
                info = self._new_customer(staff_index, source, moment, customers, purchases)
                new_infos.append(info)
            self.complaint_customers.append(info.index)
            plans.append((moment, info, source, staff_index, calls_again))

        for info, cid, pid, c, p in zip(
            new_infos,
            _allocate_ids(Customer, len(customers)),
            _allocate_ids(Purchase, len(purchases)),
            customers,
            purchases,
            strict=True,
        ):
            c["id"] = p["customer_id"] = info.id = cid
            p["id"] = info.purchase_id = pid
        numbers = self._reserve_numbers([m for m, *_ in plans])
        cases = [
            self._complaint(cid, number, *plan)
            for cid, number, plan in zip(
                _allocate_ids(Complaint, len(plans)), numbers, plans, strict=True
            )
        ]
        entries = self._chain(cases)
        self.writer.write(self.tables[Customer], self.tables[Customer].tuples(customers))
        self.writer.write(self.tables[Purchase], self.tables[Purchase].tuples(purchases))
        self.writer.write(
            self.tables[Complaint], self.tables[Complaint].tuples(c.row for c in cases)
        )
        self.writer.write(self.tables[AuditEntry], entries)
        return {
            "complaints": len(cases),
            "customers": len(customers),
            "purchases": len(purchases),
            "audit_entries": len(entries),
        }

    def _reserve_numbers(self, moments: list[datetime]) -> list[str]:
        """Take the next numbers of each year from the organisation's counters (locked)."""
        years = [timezone.localtime(m, self.tz).year for m in moments]
        next_value = {}
        for year, n in sorted(Counter(years).items()):
            ComplaintCounter.objects.get_or_create(organisation=self.org, year=year)
            counter = ComplaintCounter.objects.select_for_update().get(
                organisation=self.org, year=year
            )
            next_value[year] = counter.last_value + 1
            counter.last_value += n
            counter.save(update_fields=["last_value"])
        prefix = self.org.number_prefix
        numbers = []
        for year in years:
            numbers.append(format_number(prefix, year, next_value[year]))
            next_value[year] += 1
        return numbers

    def _chain(self, cases: list[_Case]) -> list[tuple]:
        """The batch's timeline entries, appended to the lanes of the organisation's trail."""
        table = self.tables[AuditEntry]
        org_id = self.org.pk
        lanes = {
            complaint_lane(complaint_id)
            for case in cases
            for _at, _actor, _action, complaint_id, _data, _vis in case.entries
        }
        chains = lock_lanes(org_id, lanes) if lanes else {}
        total = sum(len(c.entries) for c in cases)
        ids = iter(_allocate_ids(AuditEntry, total))
        rows = []
        for case in cases:
            for at, actor_id, action, complaint_id, data, visibility in case.entries:
                chain = chains[complaint_lane(complaint_id)]
                chain.last_seq += 1
                prev = chain.last_hash or GENESIS_HASH
                digest = entry_hash(
                    prev_hash=prev,
                    organisation_id=org_id,
                    seq=chain.last_seq,
                    at=at,
                    actor_id=actor_id,
                    action=action,
                    object_type=OBJECT_TYPE,
                    object_id=complaint_id,
                    complaint_id=complaint_id,
                    data=data,
                    visibility=visibility,
                    lane=chain.lane,
                )
                row = table.new()
                row.update(
                    id=next(ids),
                    organisation_id=org_id,
                    lane=chain.lane,
                    seq=chain.last_seq,
                    at=at,
                    actor_id=actor_id,
                    action=action,
                    object_type=OBJECT_TYPE,
                    object_id=complaint_id,
                    complaint_id=complaint_id,
                    data=data,
                    visibility=visibility,
                    prev_hash=prev,
                    hash=digest,
                    mac=entry_mac(digest),
                )
                rows.append(row)
                chain.last_hash = digest
        for chain in chains.values():
            AuditChain.objects.filter(pk=chain.pk).update(
                last_seq=chain.last_seq, last_hash=chain.last_hash
            )
        return table.tuples(rows)

    def _pick_branch(self) -> int:
        return _pick(self.rng, self.branch_cum)

    # -- customers --

    def _phone(self) -> str:
        rng = self.rng
        while True:
            phone = f"+86{rng.choice(MOBILE_PREFIXES)}{rng.randrange(100_000_000):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def _new_customer(self, staff_index, source, received, customers, purchases) -> _CustomerInfo:
        rng = self.rng
        st = self.staff[staff_index]
        delivered = timezone.localtime(received, self.tz).date() - timedelta(
            days=int(rng.triangular(10, 1800, 200))
        )
        created = datetime(
            delivered.year, delivered.month, delivered.day, tzinfo=self.tz
        ) + timedelta(seconds=rng.uniform(9 * HOUR, 18 * HOUR))
        created = created.astimezone(UTC)
        is_company = rng.random() < 0.03
        c = self.tables[Customer].new()
        c.update(
            organisation_id=self.org.pk,
            branch_id=st.branch_id,
            name=f"{st.plate[0]}城{rng.choice(text.COMPANY_WORDS)}有限公司"
            if is_company
            else _person_name(rng),
            phone=self._phone(),
            is_company=is_company,
            tier=_weighted_key(rng, TIER_WEIGHTS),
            personality_type=rng.choice(PersonalityType.values) if rng.random() < 0.2 else "",
            wechat_id=f"wxid_{rng.randrange(36**10):x}" if rng.random() < 0.3 else "",
            birthday=date(rng.randrange(1960, 2003), rng.randrange(1, 13), rng.randrange(1, 29))
            if not is_company and rng.random() < 0.4
            else None,
            created_at=created,
            updated_at=created,
        )
        customers.append(c)
        p = self.tables[Purchase].new()
        p.update(
            branch_id=st.branch_id,
            kind=PurchaseKind.VEHICLE,
            reference=f"SO-{delivered.year}-{rng.randrange(100000):05d}",
            product=source.vehicle.product[:200],
            vin="L" + "".join(rng.choices(VIN_CHARS, k=16)),
            plate_number=f"{st.plate}·{''.join(rng.choices(PLATE_CHARS, k=5))}",
            amount=Decimal(rng.randrange(80, 450) * 1000),
            order_effective_on=delivered - timedelta(days=rng.randrange(3, 45)),
            delivered_on=delivered,
            created_at=created,
        )
        purchases.append(p)
        info = _CustomerInfo(len(self.customers), staff_index, source.vehicle, c["name"])
        self.customers.append(info)
        return info

    # -- a complaint --

    def _complaint(
        self, complaint_id, number, received, info, source, staff_index, calls_again
    ) -> _Case:
        rng = self.rng
        st = self.staff[staff_index]
        channel = self.channels[_pick(rng, self.channel_cum)]
        kind = self.kinds[_pick(rng, self.kind_cum)]
        title, category_code = source.title, source.category
        # The same customer calling again about a case that is still open: a duplicate.
        survivor = info.last if calls_again else None
        if not (
            survivor is not None
            and received - survivor.received_at < timedelta(days=2)
            and not survivor.merged
            and (survivor.closed_at is None or survivor.closed_at > received + timedelta(hours=7))
        ):
            survivor = None
        category = self.categories.get(category_code)
        if survivor is not None:
            title, kind = survivor.title, survivor.kind
            category = self.category_by_pk.get(survivor.category_id)
            channel = rng.choice([Channel.PHONE, Channel.WECHAT, Channel.WEB])
        elif kind == Kind.SUGGESTION:
            title = rng.choice(text.SUGGESTIONS)
            category = self.categories.get(rng.choice(["process", "other"]))
        elif kind == Kind.PRAISE:
            title, category = rng.choice(text.PRAISES), self.categories.get("other")
        top = category.code.split(".")[0] if category else "other"
        if kind in (Kind.SUGGESTION, Kind.PRAISE):
            demand, account = Demand.OTHER, title + "。"
        else:
            demand = _weighted_key(rng, text.DEMAND_WEIGHTS.get(top, text.DEMAND_WEIGHTS["other"]))
            account = self._account(info, title, top, demand, received)
        suggested, crisis, reasons, signals = self._suggest(
            title, account, demand, channel, category
        )
        severity, override = suggested, ""
        if suggested == Severity.GENERAL and kind in (Kind.COMPLAINT, Kind.GRIEVANCE):
            roll = rng.random()
            if roll < 0.2:
                severity, override = Severity.MEDIUM, text.OVERRIDE_REASONS["medium"]
            elif roll < 0.24:
                severity, override = Severity.IRRATIONAL, text.OVERRIDE_REASONS["irrational"]
        cause = category.default_cause if category else ""
        if top == "vehicle":
            roll = rng.random()
            if roll < 0.06:
                cause = CauseClass.MISSED_AT_PDI
            elif roll < 0.1:
                cause = CauseClass.CUSTOMER_MISUSE
        # The staff member the customer names: always about manner, often otherwise; whoever
        # made a promise not kept.
        staff_involved = promise_made_by = ""
        if kind in (Kind.COMPLAINT, Kind.GRIEVANCE) and (top == "manner" or rng.random() < 0.25):
            staff_involved = _staff_member(rng, top)
        if cause == CauseClass.PROMISE_NOT_KEPT:
            promise_made_by = staff_involved or _staff_member(rng, top)
        registrar = rng.choice(st.registrars)
        department_id, rule_id = st.route(
            self.routing,
            registrar,
            category=category,
            cause=cause,
            channel=channel,
            severity=severity,
            demand=demand,
        )
        row = self.tables[Complaint].new()
        row.update(
            id=complaint_id,
            organisation_id=self.org.pk,
            branch_id=st.branch_id,
            number=number,
            kind=kind,
            channel=channel,
            channel_detail=text.CHANNEL_DETAILS.get(channel, ""),
            third_party_reference=(
                f"{text.REFERENCE_PREFIXES[channel]}{received:%Y%m%d}-{complaint_id:06d}"
                if channel in text.REFERENCE_PREFIXES
                else ""
            ),
            customer_id=info.id,
            purchase_id=info.purchase_id if rng.random() < 0.88 else None,
            received_at=received,
            title=title[:200],
            account=account,
            demand=demand,
            demand_detail=text.DEMAND_DETAILS.get(demand, ""),
            staff_involved=staff_involved,
            promise_made_by=promise_made_by,
            category_id=category.pk if category else None,
            cause=cause,
            severity=severity,
            suggested_severity=suggested,
            severity_reasons=reasons,
            severity_override_reason=override,
            is_crisis=crisis,
            crisis_signals=signals,
            personality_type=rng.choice(PersonalityType.values) if rng.random() < 0.35 else "",
            upset_level=rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5]) if rng.random() < 0.6 else None,
            registered_by_id=registrar.id,
            owner_id=registrar.id,
            department_id=department_id,
            routed_by_id=rule_id,
            due_at=received + timedelta(days=RESOLUTION_DAYS[severity]),
        )
        case = _Case(self, row, st, top, registrar)
        case.register(received + timedelta(seconds=rng.uniform(20, 900)))
        if case.t <= self.now:
            if survivor is not None:
                case.merge(rng.uniform(0.5, 6) * HOUR, survivor)
            else:
                self._simulate(case)
        if self.search:
            # What registering and the moves store for searching (kesu.complaints.search).
            row["search_grams"] = " ".join(grams_of(*searched_texts(row, info.name)))
        info.last = _Recent(
            row["id"],
            row["number"],
            received,
            row["closed_at"],
            row["merged_into_id"] is not None,
            row["title"],
            kind,
            row["category_id"],
        )
        self.states[row["state"]] += 1
        return case

    def _account(self, info, title, top, demand, received) -> str:
        rng = self.rng
        opening = rng.choice(text.OPENINGS).format(
            product=info.vehicle.product,
            months=rng.randrange(1, 60),
            km=rng.randrange(3, 120) * 1000,
        )
        detail = rng.choice(text.DETAILS.get(top, text.DETAILS["other"])).format(
            visits=rng.randrange(2, 5)
        )
        body = title if title.endswith(("。", "！", "？")) else title + "。"
        return f"{opening}{body}{detail}{rng.choice(text.DEMAND_SENTENCES[demand])}"

    def _suggest(self, title, account, demand, channel, category):
        """The organisation's severity rules applied in memory, as suggest_severity does."""
        severity, crisis, reasons = Severity.GENERAL, False, []
        body = f"{title}\n{account}".lower()
        path = category.path if category else ""
        for match, value, rule_severity, rule_crisis, reason in self.rules:
            if match == SeverityRule.Match.KEYWORD:
                hit = value.lower() in body
            elif match == SeverityRule.Match.DEMAND:
                hit = demand == value
            elif match == SeverityRule.Match.CHANNEL:
                hit = channel == value
            else:
                hit = in_subtree(path, value)
            if not hit:
                continue
            if SEVERITY_RANK[rule_severity] > SEVERITY_RANK[severity]:
                severity = rule_severity
            crisis = crisis or rule_crisis
            if reason not in reasons:
                reasons.append(reason)
        suggestion = SeveritySuggestion(severity, crisis, reasons)
        apply_crisis_signal(suggestion, body)
        return suggestion.severity, suggestion.crisis, suggestion.reasons, suggestion.crisis_signals

    # -- the procedure (workflow.py), move by move --

    def _simulate(self, case: _Case) -> None:
        rng = self.rng
        row, st = case.row, case.staff
        quick = row["kind"] in (Kind.SUGGESTION, Kind.PRAISE)
        # Some cases stall at one step for weeks or months: they fill the overdue lists.
        stall_step = rng.randrange(0, 8) if rng.random() < 0.06 else -1
        stall = rng.uniform(10, 120) if rng.random() < 0.8 else rng.uniform(120, 400)
        withdraw_step = rng.randrange(1, 4) if rng.random() < 0.03 else -1

        def wait(step: int, low_hours: float, high_hours: float) -> float:
            seconds = rng.uniform(low_hours, high_hours) * HOUR * (0.3 if quick else 1.0)
            return seconds + (stall * DAY if step == stall_step else 0.0)

        method = rng.choice(ConfirmationMethod.values)
        if not case.move(
            Move.CONFIRM,
            case.registrar,
            wait(0, 0.05, 4),
            State.CONFIRMED,
            extra={"note": ""},
            confirmation_method=method,
            confirmed_at=_AT,
        ):
            return
        handler = st.handler_for(row["department_id"], rng)
        if not case.move(
            Move.HAND_OVER,
            case.registrar,
            wait(1, 0.1, 3),
            None,
            extra={"note": ""},
            owner_id=handler.id,
            department_id=handler.department_id or row["department_id"],
        ):
            return
        if withdraw_step == 1:
            case.withdraw(wait(1, 1, 48))
            return
        if not case.move(
            Move.START_INVESTIGATION, handler, wait(2, 0.5, 20), State.INVESTIGATING, {"note": ""}
        ):
            return
        if row["severity"] == Severity.MAJOR and rng.random() < 0.5:
            case.move(
                Move.ESCALATE,
                handler,
                rng.uniform(0.1, 2) * HOUR,
                None,
                {"reason": "重大投诉，上报总经理"},
                escalation_level=EscalationLevel.GENERAL_MANAGER,
            )
        if rng.random() < 0.08:
            case.move(
                Move.SET_DEADLINE,
                rng.choice(st.directors),
                rng.uniform(0.5, 8) * HOUR,
                None,
                {"reason": "需厂家配合，延长处理期限"},
                due_at=row["due_at"] + timedelta(days=rng.randrange(2, 10)),
            )
        if withdraw_step == 2:
            case.withdraw(wait(2, 1, 72))
            return
        rounds = 0
        while True:
            rounds += 1
            if not quick and rng.random() < 0.2:
                case.call(rng.uniform(2, 30) * HOUR, handler)
            if not quick and rng.random() < 0.02 and not self._park(case, handler):
                return
            if not self._propose(case, handler, wait(3, 2, 60)):
                return
            if withdraw_step == 3:
                case.withdraw(wait(3, 2, 72))
                return
            if rounds < 3 and rng.random() < 0.06:
                if not case.move(
                    Move.DECLINE_SOLUTION,
                    case.registrar,
                    rng.uniform(1, 48) * HOUR,
                    State.INVESTIGATING,
                    {"reason": "客户不接受方案，要求更高补偿"},
                ):
                    return
                continue
            if not case.move(
                Move.ACCEPT_SOLUTION,
                case.registrar,
                wait(4, 0.5, 48),
                State.IN_PROGRESS,
                {"note": ""},
            ):
                return
            hours = {Severity.GENERAL: 72, Severity.MEDIUM: 144}.get(row["severity"], 288)
            if not case.move(
                Move.RESOLVE,
                handler,
                wait(5, 2, hours),
                State.RESOLVED,
                {"result": rng.choice(text.RESULTS)},
                resolved_at=_AT,
            ):
                return
            callback = rng.choice(st.callback)
            if rounds < 3 and rng.random() < 0.03:
                # Still unsatisfied at the callback: reopened, and the general manager takes it.
                gm = rng.choice(st.gms)
                if not case.move(
                    Move.REOPEN,
                    callback,
                    wait(6, 1, 24),
                    State.INVESTIGATING,
                    {"reason": "回访时客户表示仍不满意"},
                    escalation_level=max(row["escalation_level"], EscalationLevel.GENERAL_MANAGER),
                    satisfaction=Satisfaction.DISSATISFIED,
                    reopen_count=row["reopen_count"] + 1,
                    resolved_at=None,
                    closed_at=None,
                    close_reason="",
                    owner_id=gm.id,
                ):
                    return
                handler = gm
                continue
            break
        if not case.move(
            Move.VERIFY,
            callback,
            wait(6, 1, 24),
            State.VERIFIED,
            {"note": ""},
            satisfaction=Satisfaction.SATISFIED if rng.random() < 0.85 else Satisfaction.NEUTRAL,
        ):
            return
        director = rng.choice(st.directors)
        if not quick and rng.random() < 0.35:
            root_cause, corrective, preventive = text.ROOT_CAUSES.get(
                case.top, text.ROOT_CAUSES["other"]
            )
            if not case.move(
                Move.RECORD_ROOT_CAUSE,
                director,
                rng.uniform(4, 96) * HOUR,
                None,
                root_cause=root_cause,
                corrective_action=corrective,
                preventive_action=preventive,
                responsibility=rng.choice(RESPONSIBILITIES),
            ):
                return
        case.move(
            Move.CLOSE,
            director,
            wait(7, 1, 120),
            State.CLOSED,
            {"summary": ""},
            closed_at=_AT,
            close_reason="completed",
        )

    def _park(self, case: _Case, handler: _Person) -> bool:
        """Not solvable for now; resumed on the follow-up date (if that has come)."""
        rng = self.rng
        follow_up = timezone.localtime(case.t, self.tz).date() + timedelta(
            days=rng.randrange(14, 60)
        )
        if not case.move(
            Move.PARK,
            handler,
            rng.uniform(1, 48) * HOUR,
            State.PARKED,
            resolvability=Resolvability.NOT_FOR_NOW,
            not_solvable_reason=rng.choice(text.PARK_REASONS),
            follow_up_on=follow_up,
        ):
            return False
        resume_at = datetime(
            follow_up.year, follow_up.month, follow_up.day, tzinfo=self.tz
        ) + timedelta(seconds=rng.uniform(9 * HOUR, 17 * HOUR))
        return case.move(
            Move.RESUME,
            handler,
            (resume_at - case.t).total_seconds(),
            State.INVESTIGATING,
            {"note": ""},
            follow_up_on=None,
        )

    def _propose(self, case: _Case, handler: _Person, delay: float) -> bool:
        rng = self.rng
        st = case.staff
        compensation, amount = "", None
        if case.row["kind"] in (Kind.COMPLAINT, Kind.GRIEVANCE):
            roll = rng.random()
            if roll < 0.3:
                compensation = CompensationType.FREE_REPAIR
            elif roll < 0.38:
                compensation = CompensationType.FREE_PARTS
            elif roll < 0.44:
                compensation, amount = (
                    CompensationType.EXTENDED_WARRANTY,
                    rng.randrange(8, 60) * 100,
                )
            elif roll < 0.5:
                compensation, amount = CompensationType.CASH, rng.choice(CASH_AMOUNTS)
            elif roll < 0.6:
                compensation, amount = CompensationType.GIFT, rng.randrange(2, 20) * 100
            elif roll < 0.62:
                compensation = CompensationType.ON_SITE
        amount = Decimal(amount).quantize(Decimal("0.01")) if amount else None
        changes = {
            "solution": rng.choice(text.SOLUTIONS.get(case.top, text.SOLUTIONS["other"])),
            "resolvability": rng.choice(RESOLVABILITIES),
            "solution_due_on": timezone.localtime(case.t, self.tz).date()
            + timedelta(days=rng.randrange(1, 10)),
            "compensation_type": compensation,
            "compensation_amount": amount,
        }
        if amount is None or self._may_grant(handler, amount):
            if amount:
                changes.update(compensation_approved_by_id=handler.id, compensation_approved_at=_AT)
            return case.move(
                Move.PROPOSE_SOLUTION, handler, delay, State.SOLUTION_PROPOSED, **changes
            )
        changes.update(compensation_approved_by_id=None, compensation_approved_at=None)
        if not case.move(Move.PROPOSE_SOLUTION, handler, delay, State.AWAITING_APPROVAL, **changes):
            return False
        approvers = [p for p in st.directors + st.gms if self._may_grant(p, amount)] or st.gms
        approver = rng.choice(approvers)
        return case.move(
            Move.APPROVE_COMPENSATION,
            approver,
            rng.uniform(1, 48) * HOUR,
            State.SOLUTION_PROPOSED,
            {"note": ""},
            compensation_approved_by_id=approver.id,
            compensation_approved_at=_AT,
        )

    def _may_grant(self, person: _Person, amount: Decimal) -> bool:
        limit = self.limits.get(person.role, Decimal("0"))
        return limit is None or amount <= limit


RESPONSIBILITIES = [Responsibility.INTERNAL] * 4 + [
    Responsibility.THIRD_PARTY,
    Responsibility.CUSTOMER_MISUNDERSTANDING,
    Responsibility.CUSTOMER_MISUSE,
    Responsibility.UNDETERMINED,
]
RESOLVABILITIES = [Resolvability.NOW, Resolvability.NOW, Resolvability.SHORT_TERM]
CASH_AMOUNTS = [200, 500, 800, 1000, 2000, 3000, 5000, 12000]


# ---- Entry point -----------------------------------------------------------------------------


def generate_complaints(
    *,
    count: int,
    organisation: Organisation | str = "bench",
    seed: int = 1,
    batch_size: int = 5000,
    method: str | None = None,
    data_path: Path | str | None = None,
    timeline: str = "full",
    now: datetime | None = None,
    analyze: bool = True,
    progress: Callable[[str], None] | None = None,
) -> GenerationResult:
    """Generate `count` complaints (with customers, vehicles and timelines) into an organisation.

    organisation: an Organisation, or the code of one to reuse or create with the bench structure.
    method: "copy" (PostgreSQL only), "insert" (executemany) or "orm" (bulk_create); by default
    COPY on PostgreSQL and insert elsewhere.
    timeline: "full" writes an audit entry for every move, "register" only the registration.
    """
    if count < 0 or batch_size < 1:
        raise ValueError("count must be ≥ 0 and batch_size ≥ 1")
    if timeline not in {"full", "register"}:
        raise ValueError("timeline is 'full' or 'register'")
    method = method or default_method()
    if method not in WRITERS:
        raise ValueError(f"Unknown method {method!r}; choose from {', '.join(WRITERS)}.")
    if method == "copy" and connection.vendor != "postgresql":
        raise ValueError("COPY needs PostgreSQL; use --method insert or orm.")
    if isinstance(organisation, str):
        organisation, _ = bench_organisation(organisation)
    else:
        install_defaults(organisation)
    sources, source_name = text.load_sources(data_path)
    started = time.perf_counter()
    gen = _Generator(
        organisation,
        seed=seed,
        now=now or timezone.now(),
        sources=sources,
        timeline=timeline,
        writer=WRITERS[method](),
    )
    result = GenerationResult(organisation=organisation, method=method, source=source_name)
    received = gen.received_times(count)
    for start in range(0, count, batch_size):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # A lost batch after a crash is acceptable here; waiting for every flush is not.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            written = gen.write_batch(received[start : start + batch_size])
        result.complaints += written["complaints"]
        result.customers += written["customers"]
        result.purchases += written["purchases"]
        result.audit_entries += written["audit_entries"]
        if progress:
            elapsed = time.perf_counter() - started
            progress(
                f"{result.complaints:>9,} complaints  {result.audit_entries:>10,} audit entries  "
                f"{elapsed:7.1f} s  {result.complaints / elapsed:8.0f}/s"
            )
    result.seconds = time.perf_counter() - started
    result.states = gen.states
    if analyze:
        analyze_tables()
    return result


def analyze_tables() -> None:
    """Refresh the planner's statistics after a bulk load."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = [m._meta.db_table for m in (Customer, Purchase, Complaint, AuditEntry)]
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


# ---- Small helpers ---------------------------------------------------------------------------


def _plain(value):
    """A value as kesu.audit.services.to_jsonable stores it in an entry's data, for the types
    the generator produces (the entries' data is built JSON-ready, so hashing needs no pass)."""
    cls = value.__class__
    if cls is datetime:
        return value.astimezone(UTC).isoformat()
    if cls is date:
        return value.isoformat()
    if cls is Decimal:
        return str(value)
    return value


def _cumulative(weights: Iterable[float]) -> list[float]:
    total, result = 0.0, []
    for w in weights:
        total += w
        result.append(total)
    return result


def _pick(rng: random.Random, cum: list[float]) -> int:
    return bisect.bisect_right(cum, rng.random() * cum[-1])


def _weighted_key(rng: random.Random, weights: dict):
    keys = list(weights)
    return keys[_pick(rng, _cumulative(weights.values()))]


def _person_name(rng: random.Random) -> str:
    given = "".join(rng.choices(text.GIVEN, k=rng.choice([1, 2, 2])))
    return rng.choice(text.SURNAMES) + given


def _staff_member(rng: random.Random, top: str) -> str:
    """A staff member as a complaint names them: position and name, e.g. 销售顾问 王磊."""
    positions = text.STAFF_POSITIONS.get(top, text.STAFF_POSITIONS["other"])
    return f"{rng.choice(positions)} {_person_name(rng)}"
