"""Inserting many rows of one model fast (the Excel import: complaints and audit entries)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone


class JSONText(str):
    """A JSON value already written out (the audit trail writes an entry's data once, for its
    hash and for the row): stored as it is, not encoded again."""


def _json_adapter(field):
    if connection.vendor == "postgresql":  # COPY takes the text

        def adapt(value):
            return (
                str(value) if type(value) is JSONText else json.dumps(value, cls=DjangoJSONEncoder)
            )

    else:

        def adapt(value):
            return (
                str(value) if type(value) is JSONText else field.get_db_prep_save(value, connection)
            )

    return adapt


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
                self.adapters.append(_json_adapter(f))
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
        self.attnames = [f.attname for f in self.fields]
        self.adapting = [(i, adapt) for i, adapt in enumerate(self.adapters) if adapt is not None]
        self.tail = f" RETURNING {qn(model._meta.pk.column)}"

    def defaults(self) -> dict:
        """Every column's default value by attname: the start of a row given as a dict."""
        return {f.attname: f.get_default() for f in self.fields}

    def _adapted(self, row: dict, now) -> list:
        for f in self.auto_times:
            row[f.attname] = now
        values = [row[name] for name in self.attnames]
        for i, adapt in self.adapting:
            if values[i] is not None:
                values[i] = adapt(values[i])
        return values

    def insert(self, objects: list) -> None:
        """Model instances: inserted, each given its id."""
        rows = [{name: getattr(obj, name) for name in self.attnames} for obj in objects]
        ids = self.insert_rows(rows)
        for obj, row in zip(objects, rows, strict=True):
            for f in self.auto_times:
                setattr(obj, f.attname, row[f.attname])
        self._given(objects, ids)

    def insert_rows(self, rows: list[dict]) -> list[int]:
        """Rows as dicts of every column's value by attname (see `defaults`), no model instance
        made (an import's complaints and audit entries): inserted; returns their ids in order.
        The auto_now columns are set in the dicts."""
        if not rows:
            return []
        if connection.vendor == "postgresql":
            return self._copy(rows)
        now = timezone.now()
        ids: list[int] = []
        for start in range(0, len(rows), self.batch):
            batch = rows[start : start + self.batch]
            params = [value for row in batch for value in self._adapted(row, now)]
            sql = self.head + ", ".join([self.row] * len(batch)) + self.tail
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                ids += [row[0] for row in cursor.fetchall()]
        return ids

    def _copy(self, rows: list[dict]) -> list[int]:
        """PostgreSQL: ids taken from the table's sequence, the rows sent with COPY."""
        table = self.model._meta.db_table
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            columns = ", ".join(qn(c) for c in ["id", *(f.column for f in self.fields)])
            now = timezone.now()
            raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
            with raw.copy(f"COPY {qn(table)} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row([pk, *self._adapted(row, now)])
        return ids

    def _given(self, objects: list, ids: list) -> None:
        for obj, pk in zip(objects, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias
