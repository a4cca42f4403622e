"""A report as plain JSON and back, so a kept report is shown from what it said, not recomputed.

`report_data` turns a Report (kesu/reports/selectors.py) into JSON-ready values — dataclasses
as objects, dates and moments as ISO text, money as decimal text — and `report_from_data` builds
the same Report again from them, so the page, the PDF and the Excel file of a kept report are
drawn by the code that draws the live one. The shape follows the dataclasses' own fields: a
field added later reads as its default from an older snapshot; a field removed is ignored.
"""

import dataclasses
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from kesu.reports.selectors import Report

VERSION = 1


def _plain(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def report_data(report: Report, heading: dict[str, str]) -> dict:
    """The report and its heading (organisation, whose figures) as JSON-ready values."""
    return {"version": VERSION, "heading": dict(heading), "report": _plain(report)}


@cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def _build(kind, value):
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _build(options[0], value) if len(options) == 1 else value
    if origin is list:
        (item,) = typing.get_args(kind) or (typing.Any,)
        return [_build(item, v) for v in value]
    if origin is dict:
        return dict(value)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = _hints(kind)
        known = {f.name for f in dataclasses.fields(kind) if f.init}
        return kind(**{k: _build(hints[k], v) for k, v in value.items() if k in known})
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is Decimal:
        return Decimal(value)
    if kind is float and isinstance(value, int):
        return float(value)
    return value


def report_from_data(data: dict) -> Report:
    """The Report that `report_data` was made from."""
    return _build(Report, data["report"])
