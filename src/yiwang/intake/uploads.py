"""Checking and storing uploaded materials: the type comes from the file's content (``filetype``), never its name.

Files are checked before anything is written, stored under MEDIA_ROOT with a random name, and removed again
when the transaction that was to record them fails (nothing half-written: no row, no file left behind).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

DEFAULT_TYPES = ["application/pdf", "image/jpeg", "image/png"]
TYPE_NAMES = {
    "application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "image/tiff": "TIFF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
    "application/vnd.oasis.opendocument.text": "ODT", "application/zip": "ZIP", "application/ofd": "OFD",
}


@dataclass(frozen=True)
class Upload:
    """One file as a channel received it: which requirement it answers, the name it came with, its bytes."""

    requirement: str
    name: str
    content: bytes = field(repr=False)

    @classmethod
    def from_django(cls, requirement: str, uploaded: Any) -> Upload:
        """From a Django ``UploadedFile``; reads at most one byte more than the global limit."""
        content = uploaded.read(global_max_bytes() + 1)
        return cls(requirement=requirement, name=str(getattr(uploaded, "name", "") or "")[-200:], content=content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class CheckedUpload:
    upload: Upload
    requirement: Any  # catalog MaterialRequirement
    content_type: str
    extension: str


def global_max_bytes() -> int:
    return int(getattr(settings, "YIWANG_INTAKE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def allowed_types(requirement: Any) -> list[str]:
    types = [t for t in (getattr(requirement, "content_types", None) or []) if t]
    return types or list(getattr(settings, "YIWANG_INTAKE_DEFAULT_CONTENT_TYPES", DEFAULT_TYPES))


def max_bytes(requirement: Any) -> int:
    own = getattr(requirement, "max_bytes", None) or 0
    return min(int(own), global_max_bytes()) if own else global_max_bytes()


def describe_types(types: list[str]) -> str:
    return ", ".join(TYPE_NAMES.get(t, t) for t in types)


def check(upload: Upload, requirement: Any) -> tuple[CheckedUpload | None, list[str]]:
    """Check one upload against its requirement; returns the checked upload or the problems found."""
    problems: list[str] = []
    limit = max_bytes(requirement)
    if not upload.content:
        problems.append(_("The file “%(name)s” is empty.") % {"name": upload.name or "?"})
        return None, problems
    if len(upload.content) > limit:
        problems.append(_("The file “%(name)s” is larger than %(size)s.")
                        % {"name": upload.name or "?", "size": filesizeformat(limit)})
    kind = filetype.guess(upload.content)
    allowed = allowed_types(requirement)
    if kind is None or kind.mime not in allowed:
        problems.append(_("The file “%(name)s” is not a %(allowed)s file (judged by its content, not its name).")
                        % {"name": upload.name or "?", "allowed": describe_types(allowed)})
    if problems or kind is None:
        return None, problems
    return CheckedUpload(upload=upload, requirement=requirement, content_type=kind.mime, extension=kind.extension), []


class StoredFiles:
    """Names of files stored during one service call, to delete if the call fails."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def store(self, checked: CheckedUpload) -> str:
        path = f"intake/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{checked.extension}"
        name = default_storage.save(path, ContentFile(checked.upload.content))
        self.names.append(name)
        return name

    def remove_all(self) -> None:
        for name in self.names:
            default_storage.delete(name)
        self.names.clear()


@contextmanager
def stored_files() -> Iterator[StoredFiles]:
    """Files stored inside the block are deleted again if the block raises (wrap it around the transaction)."""
    files = StoredFiles()
    try:
        yield files
    except BaseException:
        files.remove_all()
        raise
