"""Backups of the whole database, and restoring one (``yiwang backup`` / ``yiwang restore``).

SQLite is copied with its online backup API (a consistent copy while the application runs, page by
page from the live connection); PostgreSQL with ``pg_dump --format=custom`` from an exported snapshot
and ``pg_restore --single-transaction``, so a failed restore changes nothing. A JSON manifest beside
each backup records its sha256; restore refuses a file that does not match it. The audit record of a
restore is appended to the *restored* chain, so ``audit_chain_verify`` still holds afterwards.
See docs/decisions/0006-backup-and-restore.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.audit.public import AuditRecord, audit_record

from .errors import ServiceError

SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
MANIFEST_FORMAT = 1
_PG_MIGRATIONS_TABLE = re.compile(r"^\d+;.*\bTABLE \S+ django_migrations\b", re.MULTILINE)


class BackupError(ServiceError):
    """A backup could not be written, or a file was refused as a backup to restore."""

    code = "backup_error"


def backup_create(*, path: Path | None = None, by: AbstractBaseUser | None = None) -> Path:
    """Write a consistent copy of the whole database and a manifest (``<file>.json``) beside it.

    Without ``path`` the file goes to ``YIWANG_BACKUP_DIR`` (created 0700), named by Shanghai time.
    The file is created 0600 and never overwrites an existing one. Refused inside a transaction:
    a backup must not contain changes that may still roll back (and pg_dump could not see them).
    """
    vendor = _vendor()
    _refuse_inside_transaction()
    target = _reserve(path, vendor)
    try:
        facts = _sqlite_backup(target) if vendor == "sqlite" else _pg_backup(target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    digest, size = _sha256(target), target.stat().st_size
    manifest = {
        "format": MANIFEST_FORMAT,
        "created_at": timezone.localtime().isoformat(),
        "engine": vendor,
        "file": target.name,
        "size": size,
        "sha256": digest,
        **facts,
    }
    _write_private(_manifest_path(target), json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    audit_record(action="core.backup.create", actor=by,
                 details={"file": target.name, "size": size, "sha256": digest})
    return target


def backup_restore(*, path: Path, by: AbstractBaseUser | None = None) -> None:
    """Replace the whole database with the backup at ``path``.

    The file is checked before anything is touched: against its manifest's sha256 and engine when
    the manifest exists, then as a backup of this engine holding Django's migration table. Anything
    written after the backup is gone afterwards, including audit records; the restore's own audit
    record names the last record it replaced, so the cut is visible in the restored chain.
    """
    vendor = _vendor()
    _refuse_inside_transaction()
    path = Path(path).expanduser()
    if not path.is_file():
        raise BackupError(_("There is no backup file at %(path)s.") % {"path": path}, code="backup_missing")
    manifest = _read_manifest(path)
    digest, size = _sha256(path), path.stat().st_size
    if manifest is not None:
        if manifest.get("sha256") != digest:
            raise BackupError(
                _("%(name)s does not match the sha256 in its manifest: the file is damaged or was altered. "
                  "Nothing was restored.") % {"name": path.name}, code="backup_checksum")
        if manifest.get("engine") != vendor:
            raise BackupError(
                _("%(name)s is a backup of a %(engine)s database; this database is %(vendor)s. "
                  "Nothing was restored.") % {"name": path.name, "engine": manifest.get("engine"),
                                               "vendor": vendor}, code="backup_engine")
    replaced_seq, replaced_hash = _last_audit_record()
    if vendor == "sqlite":
        _sqlite_validate(path)
        _sqlite_restore(path)
    else:
        _pg_validate(path)
        _pg_restore(path)
    restored_seq, _restored_hash = _last_audit_record()
    audit_record(action="core.backup.restore", actor=by, details={
        "file": path.name,
        "size": size,
        "sha256": digest,
        "backup_created_at": (manifest or {}).get("created_at"),
        "restored_head_seq": restored_seq,
        "replaced_head_seq": replaced_seq,
        "replaced_head_hash": replaced_hash,
    })


# --- shared ------------------------------------------------------------------------------------------

def _last_audit_record() -> tuple[int, str]:
    """The end of the audit chain as (seq, hash); (0, "") when it is empty."""
    last = AuditRecord.objects.order_by("-seq").values_list("seq", "hash").first()
    return (int(last[0]), str(last[1])) if last else (0, "")


def _vendor() -> str:
    if connection.vendor not in SUFFIXES:
        raise BackupError(_("Backups are supported on SQLite and PostgreSQL, not on %(vendor)s.")
                          % {"vendor": connection.vendor}, code="backup_engine")
    return str(connection.vendor)


def _refuse_inside_transaction() -> None:
    if connection.in_atomic_block:
        raise BackupError(_("Backup and restore cannot run inside a database transaction."),
                          code="backup_in_transaction")


def _reserve(path: Path | None, vendor: str) -> Path:
    """Create the (empty, 0600) backup file exclusively, so two backups never write the same file."""
    if path is not None:
        candidates = [Path(path).expanduser().resolve()]
        _make_private_dir(candidates[0].parent)
    else:
        directory = Path(settings.YIWANG_BACKUP_DIR)
        _make_private_dir(directory)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        suffix = SUFFIXES[vendor]
        candidates = [directory / f"yiwang-{stamp}{suffix}",
                      *(directory / f"yiwang-{stamp}-{n}{suffix}" for n in range(2, 100))]
    for candidate in candidates:
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            continue
        return candidate
    raise BackupError(_("%(path)s already exists; choose another file name.") % {"path": candidates[0]},
                      code="backup_exists")


def _make_private_dir(directory: Path) -> None:
    if not directory.exists():
        directory.mkdir(parents=True, mode=0o700)
        directory.chmod(0o700)  # mkdir's mode is filtered by the umask


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        os.fchmod(fd, 0o600)
        file.write(text)


def _manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _read_manifest(path: Path) -> dict[str, Any] | None:
    manifest_path = _manifest_path(path)
    if not manifest_path.exists():
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(_("The manifest %(name)s cannot be read: %(error)s. Nothing was restored.")
                          % {"name": manifest_path.name, "error": exc}, code="backup_manifest") from exc
    if not isinstance(manifest, dict):
        raise BackupError(_("The manifest %(name)s is not a backup manifest. Nothing was restored.")
                          % {"name": manifest_path.name}, code="backup_manifest")
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- SQLite: the online backup API -----------------------------------------------------------------------

def _sqlite_backup(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    live = connection.connection
    try:
        with closing(sqlite3.connect(target)) as copy:
            live.backup(copy)
            # The live database runs in WAL mode and the copy inherits it; a backup is one self-contained file.
            copy.execute("PRAGMA journal_mode=DELETE")
            # Read from the copy itself, so the manifest describes exactly what was saved.
            (migrations,) = copy.execute("SELECT COUNT(*) FROM django_migrations").fetchone()
            (head,) = copy.execute("SELECT MAX(seq) FROM audit_auditrecord").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(_("The backup failed: %(error)s") % {"error": exc}, code="backup_failed") from exc
    return {"migrations": int(migrations), "audit_head_seq": int(head or 0)}


def _sqlite_open_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _sqlite_validate(path: Path) -> None:
    try:
        with closing(_sqlite_open_readonly(path)) as backup:
            problems = [row[0] for row in backup.execute("PRAGMA integrity_check").fetchall()]
            has_migrations = backup.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'").fetchone()
            (page_size,) = backup.execute("PRAGMA page_size").fetchone()
            (page_count,) = backup.execute("PRAGMA page_count").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(_("%(name)s is not a SQLite backup (%(error)s). Nothing was restored.")
                          % {"name": path.name, "error": exc}, code="backup_invalid") from exc
    # SQLite reads missing pages as zeros, so a cut that only loses empty pages passes integrity_check.
    if path.stat().st_size != page_size * page_count:
        raise BackupError(_("%(name)s is truncated or has trailing data. Nothing was restored.")
                          % {"name": path.name}, code="backup_invalid")
    if problems != ["ok"]:
        raise BackupError(_("%(name)s is damaged (%(error)s). Nothing was restored.")
                          % {"name": path.name, "error": "; ".join(problems[:3])}, code="backup_invalid")
    if not has_migrations:
        raise BackupError(_("%(name)s is a SQLite database but not a yiwang backup (it has no migration "
                            "table). Nothing was restored.") % {"name": path.name}, code="backup_invalid")


def _sqlite_restore(path: Path) -> None:
    connection.ensure_connection()
    # Copy INTO the live connection: one write transaction on the destination, so other connections
    # (and this one) see either the old database or the whole restored one.
    try:
        with closing(_sqlite_open_readonly(path)) as backup:
            backup.backup(connection.connection)
    except sqlite3.Error as exc:
        raise BackupError(_("The restore failed; the database was left as it was: %(error)s")
                          % {"error": exc}, code="backup_failed") from exc


# --- PostgreSQL: pg_dump / pg_restore ----------------------------------------------------------------------

def _pg_backup(target: Path) -> dict[str, int]:
    pg_dump = _tool("pg_dump")
    # pg_dump runs in the snapshot this transaction exports, so the manifest's counts describe the dump.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        facts = {
            "migrations": MigrationRecorder.Migration.objects.count(),
            "audit_head_seq": _last_audit_record()[0],
        }
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", *_pg_connection_args()],
             failure=_("pg_dump failed: %(error)s"))
    return facts


def _pg_validate(path: Path) -> None:
    listing = _run([_tool("pg_restore"), "--list", str(path)],
                   failure=_("%(name)s is not a PostgreSQL backup (%(error)s). Nothing was restored."),
                   context={"name": path.name}, code="backup_invalid")
    if not _PG_MIGRATIONS_TABLE.search(listing):
        raise BackupError(_("%(name)s is a PostgreSQL archive but not a yiwang backup (it has no migration "
                            "table). Nothing was restored.") % {"name": path.name}, code="backup_invalid")


def _pg_restore(path: Path) -> None:
    pg_restore = _tool("pg_restore")
    # pg_restore's DROPs wait for every lock on the tables; do not hold one ourselves.
    connection.close()
    _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
          *_pg_connection_args(), str(path)],
         failure=_("pg_restore failed; the database was left as it was: %(error)s"))


def _pg_connection_args() -> list[str]:
    params = connection.settings_dict
    args = [f"--dbname={params['NAME']}"]
    if params.get("HOST"):
        args.append(f"--host={params['HOST']}")
    if params.get("PORT"):
        args.append(f"--port={params['PORT']}")
    if params.get("USER"):
        args.append(f"--username={params['USER']}")
    return [*args, "--no-password"]  # never prompt: the password comes from PGPASSWORD or ~/.pgpass


def _pg_env() -> dict[str, str]:
    params = connection.settings_dict
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])  # the environment, never the command line (ps shows it)
    sslmode = (params.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(_("%(tool)s was not found on PATH; install the PostgreSQL client tools.")
                          % {"tool": name}, code="backup_tool_missing")
    return found


def _run(args: list[str], *, failure: str, context: dict[str, str] | None = None,
         code: str = "backup_failed") -> str:
    """Run a PostgreSQL client tool; a non-zero exit becomes a BackupError carrying its stderr.

    ``failure`` is the message, with ``%(error)s`` for the tool's complaint and ``context`` for the rest.
    """
    try:
        # S603: the program is an absolute path from shutil.which and there is no shell.
        result = subprocess.run(args, capture_output=True, text=True, encoding="utf-8",  # noqa: S603
                                errors="replace", env=_pg_env(), check=False)
    except OSError as exc:
        raise BackupError(failure % {**(context or {}), "error": exc}, code=code) from exc
    if result.returncode != 0:
        error = result.stderr.strip() or _("exit status %(status)d") % {"status": result.returncode}
        raise BackupError(failure % {**(context or {}), "error": error}, code=code)
    return result.stdout
