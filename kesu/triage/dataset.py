"""Complaints with known problem areas, read from CSV files like car_complaints_12365auto_2020.csv.

The ``problem`` column holds codes such as ``A9,H15,``: the letter is the problem area
(engine, transmission, body and electrics, service manner...), the number an item within it.
The classifier learns the letters.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Example:
    text: str
    areas: frozenset[str]
    date: str = ""


def problem_areas(codes: str) -> frozenset[str]:
    return frozenset(
        code.strip()[0].upper() for code in (codes or "").split(",") if code.strip()[:1].isalpha()
    )


def read_examples(path: Path | str) -> list[Example]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"desc", "problem"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path} lacks the column(s) {', '.join(sorted(missing))}.")
        return [
            Example(row["desc"] or "", problem_areas(row["problem"]), row.get("datetime") or "")
            for row in reader
        ]


def split_by_time(
    examples: Sequence[Example], first_test_day: str = ""
) -> tuple[list[Example], list[Example]]:
    """Complaints before ``first_test_day`` to learn from, the ones from it on to test on.

    Without a day, the split falls in the longest gap between days with complaints (for the
    development data: the weeks of June, then the weeks of late August).
    """
    if not first_test_day:
        days = sorted({example.date for example in examples})
        if len(days) < 2:
            raise ValueError("A time split needs complaints of at least two days.")
        gaps = [
            (_day_number(later) - _day_number(earlier), later)
            for earlier, later in zip(days, days[1:], strict=False)
        ]
        first_test_day = max(gaps)[1]
    earlier = [example for example in examples if example.date < first_test_day]
    later = [example for example in examples if example.date >= first_test_day]
    return earlier, later


def _day_number(day: str) -> int:
    return date.fromisoformat(day[:10]).toordinal()


def write_examples(path: Path | str, examples: Sequence[Example]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["desc", "problem", "datetime"])
        for example in examples:
            writer.writerow([example.text, ",".join(sorted(example.areas)), example.date])
