"""Fast inserts of large synthetic data sets (the national demo: a million activities).

`bulk_create` builds a model instance per row and compiles a multi-row INSERT; at a million
rows that is most of the national build's time. Here rows are plain tuples of column
values, sent with PostgreSQL's COPY (`bulk_create` from the same tuples on other
databases). Fields left out take their model default once (a callable default, such as a
random token, once per row), so every NOT NULL column is filled the way Django would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Max
from django.utils import timezone


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys for rows written with `copy_insert`, taken from the table's
    sequence on PostgreSQL (so later inserts never collide); on other databases the keys
    after the current largest (the demo builder is the only writer)."""
    if count <= 0:
        return []
    meta = model._meta
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
    top = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
    return list(range(top + 1, top + 1 + count))


def _defaults(
    model: type[models.Model], given: Sequence[models.Field[Any, Any]]
) -> tuple[list[models.Field[Any, Any]], list[Any], list[models.Field[Any, Any]]]:
    """The fields left out: those with one value for every row (and the values, ready for
    the database), and those whose default is drawn per row."""
    fixed: list[models.Field[Any, Any]] = []
    values: list[Any] = []
    per_row: list[models.Field[Any, Any]] = []
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if field in given or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fixed.append(field)
            values.append(field.get_db_prep_save(now, connection))
        elif field.has_default() and callable(field.default) and field.unique:
            per_row.append(field)
        else:
            fixed.append(field)
            values.append(field.get_db_prep_save(field.get_default(), connection))
    return fixed, values, per_row


def copy_insert(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert `rows` (tuples of database values in the order of `fields`, which name model
    fields; a foreign key takes the related row's key) and return how many were written."""
    meta = model._meta
    given: list[models.Field[Any, Any]] = [meta.get_field(name) for name in fields]  # type: ignore[misc]
    fixed, fixed_values, per_row = _defaults(model, given)
    written = 0
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in [*given, *fixed, *per_row])
        statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    (
                        *row,
                        *fixed_values,
                        *(f.get_db_prep_save(f.get_default(), connection) for f in per_row),
                    )
                )
                written += 1
        return written
    names = [f.attname for f in given]
    batch = [model(**dict(zip(names, row, strict=True))) for row in rows]
    model._default_manager.bulk_create(batch, batch_size=2000)
    return len(batch)
