"""Inserting many rows of one model fast (the Excel import: complaints and audit entries)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone


class BulkInserter:
    """Many rows of one model in multi-row INSERTs, each object given its id (RETURNING).

    bulk_create prepares every value of every row through the field's whole save path, on
    SQLite sends at most 999 parameters a statement (13 complaints), and on PostgreSQL (UNNEST of
    arrays) escapes every quote of a JSON value one by one. An Excel import inserts tens of
    thousands of wide rows and their audit entries, so here values are taken as they are — only
    times, dates, amounts and JSON adapted — in statements of up to 500 rows on SQLite, and with
    COPY on PostgreSQL (ids taken from the table's sequence first). Signals are not sent and
    save() is not called, as with bulk_create; auto_now fields are set.
    """

    def __init__(self, model):
        ops = connection.ops
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.auto_times = [
            f
            for f in self.fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.adapters: list = []
        for f in self.fields:
            kind = f.get_internal_type()
            if kind == "DateTimeField":
                self.adapters.append(ops.adapt_datetimefield_value)
            elif kind == "DateField":
                self.adapters.append(ops.adapt_datefield_value)
            elif kind == "DecimalField":
                self.adapters.append(
                    lambda v, f=f: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
                )
            elif kind == "JSONField":
                self.adapters.append(
                    (lambda v: json.dumps(v, cls=DjangoJSONEncoder))
                    if connection.vendor == "postgresql"  # COPY takes the text
                    else (lambda v, f=f: f.get_db_prep_save(v, connection))
                )
            else:
                self.adapters.append(None)
        limit = 999
        if connection.vendor == "sqlite":
            raw = connection.connection
            limit = raw.getlimit(9) if raw is not None and hasattr(raw, "getlimit") else 999
        elif connection.vendor == "postgresql":
            limit = 60_000
        self.batch = max(1, min(500, limit // len(self.fields)))
        qn = connection.ops.quote_name
        # Names of the model's own table and columns, quoted: no user input goes in.
        self.head = (
            f"INSERT INTO {qn(model._meta.db_table)} "  # noqa: S608
            f"({', '.join(qn(f.column) for f in self.fields)}) VALUES "
        )
        self.row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        self.tail = f" RETURNING {qn(model._meta.pk.column)}"

    def _values(self, obj, now) -> list:
        for f in self.auto_times:
            setattr(obj, f.attname, now)
        return [
            adapt(value) if adapt is not None and value is not None else value
            for value, adapt in zip(
                (getattr(obj, f.attname) for f in self.fields), self.adapters, strict=True
            )
        ]

    def insert(self, objects: list) -> None:
        if connection.vendor == "postgresql":
            self._copy(objects)
            return
        now = timezone.now()
        for start in range(0, len(objects), self.batch):
            batch = objects[start : start + self.batch]
            params = [value for obj in batch for value in self._values(obj, now)]
            sql = self.head + ", ".join([self.row] * len(batch)) + self.tail
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                ids = [row[0] for row in cursor.fetchall()]
            self._given(batch, ids)

    def _copy(self, objects: list) -> None:
        """PostgreSQL: ids taken from the table's sequence, the rows sent with COPY."""
        if not objects:
            return
        table = self.model._meta.db_table
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(objects)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            columns = ", ".join(qn(c) for c in ["id", *(f.column for f in self.fields)])
            now = timezone.now()
            raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
            with raw.copy(f"COPY {qn(table)} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for pk, obj in zip(ids, objects, strict=True):
                    copy.write_row([pk, *self._values(obj, now)])
        self._given(objects, ids)

    def _given(self, objects: list, ids: list) -> None:
        for obj, pk in zip(objects, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias
