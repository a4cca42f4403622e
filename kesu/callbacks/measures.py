"""Measures of the callback work (DOMAIN §5, §8): completion per level, sampling achieved
against the target, on-time rate, satisfaction by branch and month.

Each measure is a handful of grouped queries over the callbacks the user may see, so a branch
sees its own figures and the group sees every branch.
"""

from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kesu.callbacks.choices import Level, Population, Satisfaction, TaskStatus
from kesu.callbacks.models import Lead
from kesu.callbacks.selectors import draws_visible_to, tasks_visible_to


def _ratio(part, whole):
    return round(part / whole, 4) if whole else None


def _bounds(start: date, end: date):
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, datetime.min.time(), tzinfo=tz),
        datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz),
    )


def completion_by_level(tasks, start: date, end: date) -> list[dict]:
    """Callbacks due in the period (cancelled ones left out): how many were done, and in time."""
    rows = (
        tasks.filter(due_on__range=(start, end))
        .exclude(status=TaskStatus.CANCELLED)
        .values("level")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            unreached=Count("id", filter=Q(status=TaskStatus.UNREACHED)),
            open=Count("id", filter=Q(status=TaskStatus.OPEN)),
            done_on_time=Count("id", filter=Q(status=TaskStatus.DONE, on_time=True)),
            finished_on_time=Count("id", filter=Q(on_time=True)),
            finished=Count("id", filter=~Q(status=TaskStatus.OPEN)),
        )
        .order_by("level")
    )
    found = {r["level"]: r for r in rows}
    out = []
    for level in Level:
        r = found.get(level.value, {})
        total, done = r.get("total", 0), r.get("done", 0)
        out.append(
            {
                "level": level.value,
                "label": str(level.label),
                "total": total,
                "done": done,
                "unreached": r.get("unreached", 0),
                "open": r.get("open", 0),
                "completion_rate": _ratio(done, total),
                "on_time_rate": _ratio(r.get("finished_on_time", 0), r.get("finished", 0)),
            }
        )
    return out


def on_time(tasks, start: date, end: date) -> dict:
    """Of the callbacks finished in the period, how many by the day they counted as on time."""
    lo, hi = _bounds(start, end)
    agg = (
        tasks.filter(completed_at__gte=lo, completed_at__lt=hi)
        .exclude(status=TaskStatus.CANCELLED)
        .aggregate(finished=Count("id"), in_time=Count("id", filter=Q(on_time=True)))
    )
    return {
        "finished": agg["finished"],
        "on_time": agg["in_time"],
        "rate": _ratio(agg["in_time"], agg["finished"]),
    }


def sampling(draws, tasks, start: date, end: date) -> list[dict]:
    """Draws for periods starting in [start, end]: achieved sampling rate against the target."""
    rows = (
        draws.filter(period_start__range=(start, end))
        .values("level", "population_kind")
        .annotate(
            draws=Count("id"),
            population=Sum("population_size"),
            drawn=Sum("drawn_count"),
            excluded=Sum("excluded_count"),
            target=Sum("target_count"),
            rate=Avg("rate"),
        )
        .order_by("level", "population_kind")
    )
    done = dict(
        tasks.filter(sample_draw__period_start__range=(start, end), status=TaskStatus.DONE)
        .values_list("sample_draw__population_kind")
        .annotate(n=Count("id"))
    )
    out = []
    for r in rows:
        out.append(
            {
                "level": r["level"],
                "population": r["population_kind"],
                "label": str(Population(r["population_kind"]).label),
                "draws": r["draws"],
                "population_size": r["population"] or 0,
                "drawn": r["drawn"] or 0,
                "excluded": r["excluded"] or 0,
                "target_rate": float(r["rate"]) if r["rate"] is not None else None,
                "achieved_rate": _ratio(r["drawn"] or 0, r["population"] or 0),
                "called": done.get(r["population_kind"], 0),
                "call_rate": _ratio(done.get(r["population_kind"], 0), r["drawn"] or 0),
            }
        )
    return out


def satisfaction(tasks, start: date, end: date) -> list[dict]:
    """Satisfaction found by callbacks, per branch and month of the call."""
    lo, hi = _bounds(start, end)
    rows = (
        tasks.filter(completed_at__gte=lo, completed_at__lt=hi, status=TaskStatus.DONE)
        .exclude(satisfaction="")
        .annotate(month=TruncMonth("completed_at"))
        .values("branch_id", "branch__name", "month")
        .annotate(
            total=Count("id"),
            satisfied=Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
            neutral=Count("id", filter=Q(satisfaction=Satisfaction.NEUTRAL)),
            dissatisfied=Count("id", filter=Q(satisfaction=Satisfaction.DISSATISFIED)),
            avg_score=Avg("score"),
        )
        .order_by("branch__name", "month")
    )
    return [
        {
            "branch_id": r["branch_id"],
            "branch": r["branch__name"] or "",
            "month": timezone.localtime(r["month"]).strftime("%Y-%m")
            if isinstance(r["month"], datetime)
            else str(r["month"])[:7],
            "total": r["total"],
            "satisfied": r["satisfied"],
            "neutral": r["neutral"],
            "dissatisfied": r["dissatisfied"],
            "satisfied_rate": _ratio(r["satisfied"], r["total"]),
            "avg_score": round(float(r["avg_score"]), 2) if r["avg_score"] is not None else None,
        }
        for r in rows
    ]


def measures_for(user, start: date, end: date) -> dict:
    tasks = tasks_visible_to(user)
    lo, hi = _bounds(start, end)
    leads = Lead.objects.filter(
        organisation_id=user.organisation_id, created_at__gte=lo, created_at__lt=hi
    )
    if not user.sees_whole_organisation:
        leads = leads.filter(branch_id=user.branch_id)
    return {
        "period": {"from": start.isoformat(), "until": end.isoformat()},
        "levels": completion_by_level(tasks, start, end),
        "on_time": on_time(tasks, start, end),
        "sampling": sampling(draws_visible_to(user), tasks, start, end),
        "satisfaction": satisfaction(tasks, start, end),
        "new_complaints": tasks.filter(
            completed_at__gte=lo, completed_at__lt=hi, raised_complaint__isnull=False
        ).count(),
        "leads": leads.count(),
    }
