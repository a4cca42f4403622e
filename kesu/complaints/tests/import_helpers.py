"""Excel files for the import's tests: a header row and rows, built in memory."""

import io
from datetime import datetime

from django.utils import translation
from openpyxl import Workbook

from kesu.complaints.imports import BY_KEY

# One valid closed complaint, by column key.
CLOSED_ROW = {
    "number": "OLD-2023-0001",
    "kind": "投诉",
    "received_at": datetime(2023, 3, 5, 14, 30),
    "channel": "Hotline / phone",
    "customer": "王先生",
    "phone": "138 0013 8000",
    "title": "保养后异响",
    "account": "做完保养以后冷车启动有异响。",
    "demand": "repair",
    "severity": "一般",
    "state": "已关闭",
    "solution": "更换皮带",
    "satisfaction": "satisfied",
    "resolved_at": datetime(2023, 3, 8, 10, 0),
    "closed_at": "2023-03-10 09:00",
}
OPEN_ROW = {
    "received_at": "2024/1/2 08:15",
    "channel": "walk_in",
    "customer": "李女士",
    "phone": "13900139000",
    "title": "交车延误",
    "account": "承诺的交车日期过了两周还没有车。",
    "state": "Investigating",
    "due_at": datetime(2024, 1, 20, 18, 0),
}


def workbook_bytes(rows: list[dict], keys: list[str] | None = None, language="zh-hans") -> bytes:
    keys = keys or list(dict.fromkeys(k for row in rows for k in row))
    wb = Workbook()
    ws = wb.active
    with translation.override(language):
        ws.append([str(BY_KEY[k].title) if k in BY_KEY else k for k in keys])
    for row in rows:
        ws.append([row.get(k) for k in keys])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
