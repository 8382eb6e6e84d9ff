"""Bulk loads of the registries (the synthetic generator; later, migrations from departments' systems).

Cost model, measured on the 2-core reference machine: generating a person takes ~30 µs, encrypting its
four sensitive fields with Fernet ~40 µs, its blind index ~2 µs — roughly 75 µs of CPU per person, or
about 7 minutes for Pudong's 5.7 million on one core. So the CPU part (generate + encrypt + index)
runs in a pool of worker processes, each handing back rows ready to insert, while the parent only writes:
with PostgreSQL through ``COPY`` into a temporary table and one ``INSERT … SELECT … ON CONFLICT DO
NOTHING`` per batch (so a re-run skips what exists), elsewhere through ``bulk_create(ignore_conflicts=True)``.
Each batch commits on its own; the ``RegistryImport`` row says how far a load got.

Bulk-loaded records get no per-record ``RecordVersion``: their first version is the import itself.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, connection, connections, models, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone
from tqdm import tqdm

from yiwang.audit.public import audit_record
from yiwang.core.public import EncryptedTextField, encrypt
from yiwang.events.public import event_publish
from yiwang.identity.public import Organisation

from . import generator
from .models import Address, LegalPerson, Person, Registry, RegistryImport
from .services import person_index

PERSON_COLUMNS = ("id_number", "id_number_index", "name", "sex", "birth_date", "household_code",
                  "household_address", "actual_address", "area_code", "source_id", "version", "import_batch_id",
                  "created_at", "updated_at")
LEGAL_PERSON_COLUMNS = ("credit_code", "name", "kind", "legal_representative", "registered_address", "status",
                        "industry", "established_on", "area_code", "source_id", "version", "import_batch_id",
                        "created_at", "updated_at")
ADDRESS_COLUMNS = ("text", "area_code", "lon", "lat", "grid_cell", "source_id", "version", "import_batch_id",
                   "created_at", "updated_at")


# --- the CPU part, run in worker processes ----------------------------------------------------------------


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def copy_text(rows: Iterable[tuple[Any, ...]]) -> bytes:
    """Rows in PostgreSQL's COPY text format (rendered where they are made, so the parent only streams bytes)."""
    return "".join("\t".join(_copy_value(v) for v in row) + "\n" for row in rows).encode()


Task = tuple[int, int, list[generator.Unit], tuple[Any, ...], bool]


def _person_rows(task: Task) -> tuple[int, bytes | list[tuple[Any, ...]]]:
    """Generated, encrypted and indexed people of some units: COPY text (PostgreSQL) or tuples."""
    seed, households, units, shared, as_copy = task
    rows = []
    for unit in units:
        for p in generator.unit_people(unit, seed=seed, households=households):
            rows.append((encrypt(p.id_number), person_index(p.id_number), encrypt(p.name), p.sex, p.birth_date,
                         p.household_code, encrypt(p.household_address), encrypt(p.actual_address), p.area_code,
                         *shared))
    return len(rows), (copy_text(rows) if as_copy else rows)


def _tasks(units: list[generator.Unit], *, seed: int, households: int, batch_size: int,
           shared: tuple[Any, ...], as_copy: bool) -> Iterator[Task]:
    """Group small units into tasks of about ``batch_size`` people (a big unit stays one task: one stream)."""
    current: list[generator.Unit] = []
    size = 0
    for unit in units:
        current.append(unit)
        size += unit.count
        if size >= batch_size:
            yield seed, households, current, shared, as_copy
            current, size = [], 0
    if current:
        yield seed, households, current, shared, as_copy


@contextmanager
def _pool(workers: int) -> Iterator[Any]:
    if workers <= 1:
        yield None
        return
    # Forked workers inherit the settings (field keys) and never touch the database; close the parent's
    # connections first so no child holds a copy of a live socket.
    connections.close_all()
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        yield pool
    finally:
        pool.terminate()
        pool.join()


def _map(pool: Any, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
    return pool.imap(fn, tasks) if pool is not None else map(fn, tasks)


# --- the database part ------------------------------------------------------------------------------------


def _insert(model: type[models.Model], columns: tuple[str, ...], rows: bytes | list[tuple[Any, ...]], *,
            count: int, conflict: str) -> int:
    """Insert rows, skipping those that conflict on ``conflict``; returns how many were inserted (PostgreSQL)
    or -1 when the backend cannot tell.

    PostgreSQL: ``COPY`` straight into the table (the fast path of a fresh load); if a row conflicts, that
    batch goes again through a temporary table and ``INSERT … ON CONFLICT DO NOTHING``.
    """
    if not count:
        return 0
    table = model._meta.db_table
    cols = ", ".join(columns)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            data = rows if isinstance(rows, bytes) else copy_text(rows)
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                        copy.write(data)
                    return count
            except (IntegrityError, connection.Database.IntegrityError):  # type: ignore[attr-defined]  # COPY: no wrapper
                pass
            staging = f"{table}_staging"
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {staging} AS "  # noqa: S608 (our own names)
                               f"SELECT {cols} FROM {table} WITH NO DATA")
                cursor.execute(f"TRUNCATE {staging}")
                with cursor.copy(f"COPY {staging} ({cols}) FROM STDIN") as copy:
                    copy.write(data)
                cursor.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {staging} "  # noqa: S608
                               f"ON CONFLICT ({conflict}) DO NOTHING")
                return int(cursor.rowcount)
        assert not isinstance(rows, bytes)
        # Raw rows: the encrypted columns already hold ciphertext, which the ORM would encrypt again.
        fields: list[Any] = [model._meta.get_field(c) for c in columns]
        prepared = [tuple(value if isinstance(field, EncryptedTextField)
                          else field.get_db_prep_save(value, connection)
                          for field, value in zip(fields, row, strict=True)) for row in rows]
        statement = connection.ops.insert_statement(on_conflict=OnConflict.IGNORE)
        placeholders = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            for start in range(0, len(prepared), 1000):
                cursor.executemany(f"{statement} {table} ({cols}) VALUES ({placeholders})",  # noqa: S608
                                   prepared[start:start + 1000])
        return -1


def _start(*, registry: str, source: Organisation, by: Any, requested: int, note: str) -> RegistryImport:
    by_user = by if getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        batch = RegistryImport.objects.create(registry=registry, source=source, by=by_user,
                                              by_name=by_user.get_username() if by_user else "",
                                              note=note[:200], started_at=timezone.now(), requested=requested)
    return batch


def _finish(batch: RegistryImport, *, created: int, by: Any) -> RegistryImport:
    by_user = by if getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        batch.created = created
        batch.finished_at = timezone.now()
        batch.save(update_fields=["created", "finished_at"])
        audit_record(action=f"registries.{batch.registry}.import", actor=by_user, obj=batch,
                     details={"source": batch.source.code, "requested": batch.requested, "created": created,
                              "note": batch.note})
        event_publish(topic=f"registries.{batch.registry}.imported", key=f"import:{batch.pk}",
                      payload={"registry": batch.registry, "import": batch.pk, "created": created,
                               "source": batch.source.code})
    return batch


def _shared(batch: RegistryImport, now: datetime) -> tuple[Any, ...]:
    return (batch.source_id, 1, batch.pk, now, now)


def people_generate(*, count: int, seed: int, source: Organisation, by: Any = None, workers: int = 0,
                    batch_size: int = 20_000, progress: bool = False, note: str = "") -> RegistryImport:
    """Load ``count`` synthetic residents (``generator``) into the population registry, skipping numbers
    already present. Returns the finished ``RegistryImport`` (``created`` = how many were new)."""
    batch = _start(registry=Registry.PERSON, source=source, by=by, requested=count,
                   note=note or f"synthetic population, seed {seed}")
    before = Person.objects.count() if connection.vendor != "postgresql" else 0
    units = generator.population_plan(count)
    tasks = _tasks(units, seed=seed, households=generator.household_count(count), batch_size=batch_size,
                   shared=_shared(batch, timezone.now()), as_copy=connection.vendor == "postgresql")
    created = 0
    with _pool(workers) as pool, tqdm(total=count, unit=" people", disable=not progress,
                                      dynamic_ncols=True, smoothing=0.05) as bar:
        for n, rows in _map(pool, _person_rows, tasks):
            created += max(_insert(Person, PERSON_COLUMNS, rows, count=n, conflict="id_number_index"), 0)
            bar.update(n)
    if connection.vendor != "postgresql":
        created = Person.objects.count() - before
    return _finish(batch, created=created, by=by)


def legal_persons_generate(*, count: int, seed: int, source: Organisation, by: Any = None,
                           batch_size: int = 20_000, progress: bool = False, note: str = "") -> RegistryImport:
    """Load ``count`` synthetic legal persons, skipping credit codes already present."""
    batch = _start(registry=Registry.LEGAL_PERSON, source=source, by=by, requested=count,
                   note=note or f"synthetic legal persons, seed {seed}")
    before = LegalPerson.objects.count() if connection.vendor != "postgresql" else 0
    created = 0
    with tqdm(total=count, unit=" legal persons", disable=not progress, dynamic_ncols=True) as bar:
        for start in range(0, count, batch_size):
            n = min(batch_size, count - start)
            shared = _shared(batch, timezone.now())
            rows = [(r.credit_code, r.name, r.kind, r.legal_representative, r.registered_address, r.status,
                     r.industry, r.established_on, r.area_code) + shared
                    for r in generator.generate_legal_persons(n, seed=seed, start=start)]
            created += max(_insert(LegalPerson, LEGAL_PERSON_COLUMNS, rows, count=len(rows),
                                   conflict="credit_code"), 0)
            bar.update(n)
    if connection.vendor != "postgresql":
        created = LegalPerson.objects.count() - before
    return _finish(batch, created=created, by=by)


def addresses_generate(*, people: int, seed: int, source: Organisation, by: Any = None,
                       batch_size: int = 20_000, progress: bool = False) -> RegistryImport:
    """Load the geocoded addresses of the households of a population of ``people`` (same seed)."""
    households = generator.household_count(people)
    batch = _start(registry=Registry.ADDRESS, source=source, by=by, requested=households,
                   note=f"synthetic household addresses, seed {seed}")
    before = Address.objects.count() if connection.vendor != "postgresql" else 0
    created = 0
    with tqdm(total=households, unit=" addresses", disable=not progress, dynamic_ncols=True) as bar:
        for start in range(0, households, batch_size):
            stop = min(start + batch_size, households)
            shared = _shared(batch, timezone.now())
            seen: set[str] = set()
            rows = []
            for number in range(start, stop):
                home = generator.household(seed, number)
                if home.address not in seen:  # two households may draw the same flat; one address row
                    seen.add(home.address)
                    rows.append((home.address, home.area_code, home.lon, home.lat, "") + shared)
            created += max(_insert(Address, ADDRESS_COLUMNS, rows, count=len(rows), conflict="text"), 0)
            bar.update(stop - start)
    if connection.vendor != "postgresql":
        created = Address.objects.count() - before
    return _finish(batch, created=created, by=by)
