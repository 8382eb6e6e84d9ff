"""Model rows read and inserted with hand-written SQL, for the token endpoint's hot path (bench/oidc, ADR 0011).

The ORM spends more CPU building a three-table ``select_related`` query, or an INSERT, than PostgreSQL
spends running it. Both helpers here keep the ORM's own field logic and only skip the query compiler:

- ``Columns`` lists a model's concrete columns under a table alias and turns the matching slice of a
  result row into an instance with the ORM's converters (``from_db_value``: encrypted fields, JSON,
  UUIDs, SQLite's dates ...), so the instances are what a queryset would have returned;
- ``insert`` saves a new instance with each field's ``pre_save`` (``auto_now``) and ``get_db_prep_save``
  (encryption, JSON, dates) — what ``Model.save()`` sends, in one cached statement. A model with
  ``pre_save``/``post_save`` receivers goes through ``save()`` so that nobody's signal is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import signals

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class Columns:
    """The concrete columns of ``model`` under ``alias`` in a SELECT, and the way back to an instance."""

    def __init__(self, model: type[models.Model], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields: list[Any] = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.pk_index = self.fields.index(model._meta.pk)
        self._converters: dict[str, list[tuple[int, list[Converter], Any]]] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def select(self, connection: BaseDatabaseWrapper) -> str:
        qn = connection.ops.quote_name
        return ", ".join(f"{qn(self.alias)}.{qn(f.column)}" for f in self.fields)

    def table(self, connection: BaseDatabaseWrapper) -> str:
        qn = connection.ops.quote_name
        return f"{qn(self.model._meta.db_table)} {qn(self.alias)}"

    def _converters_for(self, connection: BaseDatabaseWrapper) -> list[tuple[int, list[Converter], Any]]:
        found = self._converters.get(connection.alias)
        if found is None:
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
                if converters:
                    found.append((index, converters, column))
            self._converters[connection.alias] = found
        return found

    def instance(self, row: Sequence[Any], start: int, connection: BaseDatabaseWrapper) -> Any:
        """The instance in ``row[start:start + len(self)]``; None when its primary key is NULL (outer join)."""
        values = list(row[start:start + len(self.fields)])
        if values[self.pk_index] is None:
            return None
        for index, converters, column in self._converters_for(connection):
            value = values[index]
            for convert in converters:
                value = convert(value, column, connection)
            values[index] = value
        return self.model.from_db(connection.alias, self.attnames, values)


_insert_sql: dict[tuple[type[models.Model], str], tuple[str, list[Any]]] = {}


def insert(obj: models.Model) -> None:
    """``obj.save()`` for a new row whose primary key the database assigns, without the query compiler."""
    model = type(obj)
    if obj.pk is not None or signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        obj.save()
        return
    using = router.db_for_write(model, instance=obj)
    connection = connections[using]
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not f.primary_key]
    cached = _insert_sql.get((model, using))
    if cached is None:
        qn = connection.ops.quote_name
        sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
               f"VALUES ({', '.join(['%s'] * len(fields))})")  # identifiers from the model's metadata
        returning_params: list[Any] = []
        if connection.features.can_return_columns_from_insert:
            returning, returning_params = connection.ops.return_insert_columns([meta.pk])
            sql = f"{sql} {returning}"
        cached = _insert_sql[(model, using)] = (sql, list(returning_params))
    sql, returning_params = cached
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *returning_params])
        if connection.features.can_return_columns_from_insert:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
    setattr(obj, meta.pk.attname, pk)
    obj._state.adding = False
    obj._state.db = using
