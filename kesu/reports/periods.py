"""The period a report covers: a month (the default), a quarter, a year or a custom range,
in the organisation's local time, with the periods it is compared with."""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
YEAR = re.compile(r"^(\d{4})$")
PERIOD_PARAMETERS = ("month", "quarter", "year", "from", "to")
# A custom range longer than this is refused: a report is about a period a person can act on.
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, custom
    start: date  # the first day
    end: date  # the day after the last one

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start:%Y-%m-%d} – {self.last_day:%Y-%m-%d}"

    def query(self) -> dict[str, str]:
        """The parameters that name this period in a report's address."""
        if self.kind == "month":
            return {"month": self.label}
        if self.kind == "quarter":
            return {"quarter": self.label}
        if self.kind == "year":
            return {"year": self.label}
        return {"from": self.start.isoformat(), "to": self.last_day.isoformat()}

    def bounds(self) -> tuple[datetime, datetime]:
        """Local midnight at the start and at the end, as aware datetimes."""
        tz = timezone.get_current_timezone()
        return (
            timezone.make_aware(datetime.combine(self.start, time.min), tz),
            timezone.make_aware(datetime.combine(self.end, time.min), tz),
        )

    def previous(self) -> "Period":
        """The period just before, of the same kind and length."""
        if self.kind == "month":
            return month(_shift_months(self.start, -1))
        if self.kind == "quarter":
            return quarter(_shift_months(self.start, -3))
        if self.kind == "year":
            return Period("year", date(self.start.year - 1, 1, 1), self.start)
        return Period("custom", self.start - timedelta(days=self.days), self.start)

    def year_before(self) -> "Period":
        """The same period a year earlier."""
        return Period(self.kind, _year_earlier(self.start), _year_earlier(self.end))


def _year_earlier(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month(first: date) -> Period:
    first = first.replace(day=1)
    days = calendar.monthrange(first.year, first.month)[1]
    return Period("month", first, first + timedelta(days=days))


def quarter(first: date) -> Period:
    first = date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    return Period("quarter", first, _shift_months(first, 3))


def last_month(today: date | None = None) -> Period:
    """The default: the last complete month (on the 1st of December, November)."""
    today = today or timezone.localdate()
    return month(_shift_months(today.replace(day=1), -1))


def period_from(params, today: date | None = None) -> Period:
    """The period the query parameters name (month=2026-11, quarter=2026-Q4, year=2026,
    from=…&to=…), or the last complete month; ValidationError for a period that cannot be.

    One way of naming the period at a time, and none of them blank: a second one, or a
    `quarter=` left empty, would otherwise be silently ignored."""
    given = [name for name in PERIOD_PARAMETERS if name in params]
    for name in given:
        if not str(params[name]).strip():
            raise ValidationError({name: _("Leave the parameter out or give a value.")})
    if len({"custom" if name in ("from", "to") else name for name in given}) > 1:
        raise ValidationError(
            {given[-1]: _("Name the period one way only: month, quarter, year, or from and to.")}
        )
    try:
        if params.get("month"):
            found = MONTH.match(params["month"].strip())
            if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 2000:
                raise ValidationError({"month": _("Give the month as YYYY-MM, e.g. 2026-11.")})
            return month(date(int(found[1]), int(found[2]), 1))
        if params.get("quarter"):
            found = QUARTER.match(params["quarter"].strip())
            if not found or int(found[1]) < 2000:
                raise ValidationError({"quarter": _("Give the quarter as YYYY-Qn, e.g. 2026-Q4.")})
            return quarter(date(int(found[1]), (int(found[2]) - 1) * 3 + 1, 1))
        if params.get("year"):
            found = YEAR.match(params["year"].strip())
            if not found or int(found[1]) < 2000:
                raise ValidationError({"year": _("Give the year as YYYY, e.g. 2026.")})
            year = int(found[1])
            return Period("year", date(year, 1, 1), date(year + 1, 1, 1))
        if params.get("from") or params.get("to"):
            return _custom(params.get("from", ""), params.get("to", ""))
    except (ValueError, OverflowError):
        raise ValidationError(_("This period does not exist.")) from None
    return last_month(today)


def _custom(start_text: str, end_text: str) -> Period:
    try:
        start = date.fromisoformat(start_text.strip())
        last = date.fromisoformat(end_text.strip())
    except ValueError:
        raise ValidationError({"from": _("Give both dates of the period as YYYY-MM-DD.")}) from None
    if last < start:
        raise ValidationError({"to": _("The period ends before it starts.")})
    if (last - start).days >= MAX_DAYS or start.year < 2000:
        raise ValidationError({"to": _("A report covers at most three years.")})
    return Period("custom", start, last + timedelta(days=1))
