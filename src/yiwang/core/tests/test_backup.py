"""Backup and restore: a round trip loses nothing, keeps nothing written later, and the audit chain holds.

The same tests run on SQLite (online backup API) and on PostgreSQL (pg_dump / pg_restore):
``DATABASE_URL=postgres://… pytest src/yiwang/core/tests/test_backup.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import translation

from yiwang.audit.public import AuditRecord, audit_chain_verify
from yiwang.conftest import PASSWORD
from yiwang.core.backup import BackupError, backup_create, backup_restore
from yiwang.identity import services as identity
from yiwang.identity.public import Enterprise, Organisation, Role, StaffRole, User

# Restore cannot run inside the test's transaction, and pg_dump could not see its rows: commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

LATE_ID_NUMBER = "310115199003071239"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def backup_dir(tmp_path, settings) -> Path:
    settings.YIWANG_BACKUP_DIR = tmp_path / "backups"
    return settings.YIWANG_BACKUP_DIR


@pytest.fixture
def populated(citizen, tax_handler, platform_admin, make_staff, commerce) -> None:
    """Citizens, staff with roles, departments, an enterprise with an agent — each write audited."""
    make_staff(commerce, Role.DEPARTMENT_HEAD)
    identity.enterprise_register(credit_code="91110108551385082Q", name="示例公司", legal_representative="张三",
                                 password=PASSWORD, registered_by=citizen)


def snapshot() -> dict[str, list[Any]]:
    """Every row that matters, as the application reads it (encrypted fields decrypted)."""
    return {
        "users": list(User.objects.order_by("pk").values()),
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "staff_roles": list(StaffRole.objects.order_by("pk").values()),
        "enterprises": list(Enterprise.objects.order_by("pk").values()),
        "audit": list(AuditRecord.objects.order_by("seq").values()),
    }


def register_late_citizen() -> User:
    return identity.citizen_register(username="lisi", password=PASSWORD, real_name="李四",
                                     id_number=LATE_ID_NUMBER)


def raw_sql(sql: str, params: list[Any]) -> None:
    """What someone with direct database access would do; on PostgreSQL they must first drop our guard."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_record_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_record_append_only")


class Terminal(io.StringIO):
    """Standard input as a person at a terminal would give it."""

    def isatty(self) -> bool:
        return True


# --- the round trip ------------------------------------------------------------------------------------

def test_a_round_trip_keeps_everything_before_the_backup_and_nothing_after(populated, backup_dir):
    before = snapshot()
    path = backup_create()
    register_late_citizen()
    assert User.objects.filter(username="lisi").exists()

    backup_restore(path=path)

    after = snapshot()
    for table in ("users", "organisations", "staff_roles", "enterprises"):
        assert after[table] == before[table], table
    assert after["audit"][:-1] == before["audit"]
    assert not User.objects.filter(username="lisi").exists()
    citizen = User.objects.get(username="zhangsan")
    assert citizen.id_number == "11010519491231002X"
    assert User.objects.get(id_number_index=identity.id_number_index("11010519491231002X")) == citizen

    # The restore is recorded as the last link of the restored chain, naming the head it replaced
    # (the backup's own record and the late registration).
    restored = after["audit"][-1]
    assert restored["action"] == "core.backup.restore"
    assert restored["seq"] == len(before["audit"]) + 1
    assert restored["details"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert restored["details"]["restored_head_seq"] == len(before["audit"])
    assert restored["details"]["replaced_head_seq"] == len(before["audit"]) + 2
    report = audit_chain_verify()
    assert report.ok, report.problem
    assert report.checked == len(before["audit"]) + 1

    # The restored database is fully usable: sequences continue, and the chain keeps growing.
    register_late_citizen()
    assert audit_chain_verify().ok
    if connection.vendor == "postgresql":  # triggers and functions came back with the tables
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditrecord")


def test_the_backup_is_private_and_described_by_its_manifest(populated, backup_dir):
    records_before = AuditRecord.objects.count()
    path = backup_create()

    assert path.parent == backup_dir
    assert path.name.startswith("yiwang-")
    assert path.suffix == {"sqlite": ".sqlite3", "postgresql": ".pgdump"}[connection.vendor]
    assert stat.S_IMODE(backup_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    manifest_path = path.with_name(path.name + ".json")
    manifest = json.loads(manifest_path.read_text())
    assert stat.S_IMODE(manifest_path.stat().st_mode) == 0o600
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest["engine"] == connection.vendor
    assert manifest["sha256"] == digest
    assert manifest["size"] == path.stat().st_size
    assert manifest["audit_head_seq"] == records_before
    assert manifest["migrations"] == MigrationRecorder.Migration.objects.count()
    assert dt.datetime.fromisoformat(manifest["created_at"]).utcoffset() == dt.timedelta(hours=8)

    created = AuditRecord.objects.latest("seq")
    assert created.action == "core.backup.create"
    assert created.details == {"file": path.name, "size": path.stat().st_size, "sha256": digest}


def test_a_backup_never_overwrites_a_file(populated, tmp_path):
    path = backup_create(path=tmp_path / "nightly.bak")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(BackupError) as refused:
        backup_create(path=path)
    assert refused.value.code == "backup_exists"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_backup_and_restore_refuse_to_run_inside_a_transaction(populated, tmp_path):
    path = backup_create(path=tmp_path / "ok.bak")
    with transaction.atomic():
        with pytest.raises(BackupError) as refused:
            backup_create(path=tmp_path / "inside.bak")
        assert refused.value.code == "backup_in_transaction"
        with pytest.raises(BackupError) as refused:
            backup_restore(path=path)
        assert refused.value.code == "backup_in_transaction"
    assert not (tmp_path / "inside.bak").exists()


# --- refusing files that are not good backups -----------------------------------------------------------

def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database\n" * 500)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _foreign_database(path: Path) -> None:
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE notes (body TEXT)")
        other.execute("INSERT INTO notes VALUES ('not ours')")
    other.close()


@pytest.mark.parametrize("make", [_garbage, _empty, _foreign_database], ids=["garbage", "empty", "foreign"])
def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(populated, tmp_path, make):
    path = tmp_path / "suspicious.bak"
    make(path)
    before = snapshot()
    with pytest.raises(BackupError) as refused:
        backup_restore(path=path)
    assert refused.value.code == "backup_invalid"
    assert "Nothing was restored" in str(refused.value)
    assert snapshot() == before


@pytest.mark.parametrize("kept", [0.5, 0.99])
def test_a_truncated_backup_without_its_manifest_is_refused_and_nothing_changes(populated, tmp_path, kept):
    """Half a file fails validation; a file cut near its end may pass ``pg_restore --list`` and fail
    half-way through the restore, which ``--single-transaction`` then rolls back."""
    path = backup_create(path=tmp_path / "cut.bak")
    path.with_name(path.name + ".json").unlink()
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * kept)])
    register_late_citizen()
    before = snapshot()
    with pytest.raises(BackupError):
        backup_restore(path=path)
    assert snapshot() == before
    assert audit_chain_verify().ok


def test_a_backup_that_does_not_match_its_manifest_is_refused(populated, tmp_path):
    path = backup_create(path=tmp_path / "altered.bak")
    with path.open("ab") as file:
        file.write(b"\0")
    register_late_citizen()
    before = snapshot()
    with pytest.raises(BackupError) as refused:
        backup_restore(path=path)
    assert refused.value.code == "backup_checksum"
    assert "sha256" in str(refused.value)
    assert snapshot() == before


def test_a_backup_of_another_engine_is_refused(populated, tmp_path):
    path = backup_create(path=tmp_path / "other.bak")
    manifest_path = path.with_name(path.name + ".json")
    manifest = json.loads(manifest_path.read_text())
    manifest["engine"] = "oracle"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(BackupError) as refused:
        backup_restore(path=path)
    assert refused.value.code == "backup_engine"


def test_a_missing_file_is_refused(db, tmp_path):
    with pytest.raises(BackupError) as refused:
        backup_restore(path=tmp_path / "nowhere.bak")
    assert refused.value.code == "backup_missing"


# --- the commands ----------------------------------------------------------------------------------------

def test_backup_command_prints_the_path_and_size(populated, backup_dir, tmp_path):
    out = io.StringIO()
    call_command("backup", stdout=out)
    (path,) = (p for p in backup_dir.iterdir() if p.suffix != ".json")
    assert str(path) in out.getvalue()
    assert f"({path.stat().st_size} bytes)" in out.getvalue()

    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "chosen.bak"), stdout=out)
    assert str(tmp_path / "chosen.bak") in out.getvalue()
    assert AuditRecord.objects.latest("seq").actor_name == "cli:backup"


def test_restore_command_refuses_without_yes_when_stdin_is_not_a_terminal(populated, tmp_path):
    path = backup_create(path=tmp_path / "b.bak")
    register_late_citizen()
    with pytest.raises(CommandError, match="not a terminal"):
        call_command("restore", str(path), stdin=io.StringIO("yes\n"), stdout=io.StringIO())
    assert User.objects.filter(username="lisi").exists()


def test_restore_command_asks_at_a_terminal(populated, tmp_path):
    path = backup_create(path=tmp_path / "b.bak")
    register_late_citizen()
    out = io.StringIO()
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(path), stdin=Terminal("no\n"), stdout=out)
    assert "Type 'yes' to continue" in out.getvalue()
    assert User.objects.filter(username="lisi").exists()

    out = io.StringIO()
    call_command("restore", str(path), stdin=Terminal("yes\n"), stdout=out)
    assert not User.objects.filter(username="lisi").exists()
    assert "Audit chain intact" in out.getvalue()


def test_restore_command_restores_and_verifies_the_chain(populated, tmp_path):
    path = backup_create(path=tmp_path / "b.bak")
    records = AuditRecord.objects.count()  # the backup holds one fewer: its own record came after it
    register_late_citizen()
    out = io.StringIO()
    call_command("restore", str(path), "--yes", stdout=out)
    assert f"Restored {path}." in out.getvalue()
    assert f"Audit chain intact: {records} records verified." in out.getvalue()
    restore = AuditRecord.objects.latest("seq")
    assert restore.action == "core.backup.restore" and restore.actor_name == "cli:restore"


def test_restore_command_fails_when_the_restored_chain_is_broken(populated, tmp_path):
    raw_sql("UPDATE audit_auditrecord SET result = 'failure' WHERE seq = %s", [2])
    path = backup_create(path=tmp_path / "tampered.bak")
    with pytest.raises(CommandError, match="Audit chain BROKEN .*record #2 was altered"):
        call_command("restore", str(path), "--yes", stdout=io.StringIO())


def test_restore_command_reports_a_refused_file(populated, tmp_path):
    path = tmp_path / "garbage.bak"
    _garbage(path)
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", str(path), "--yes", stdout=io.StringIO())
