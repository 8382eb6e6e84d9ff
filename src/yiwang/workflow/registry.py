"""What a process decides about: apps above register how to describe their subjects for the worklist.

A subject is a string ``"<prefix>:<id>"``, e.g. ``"intake.application:42"``; intake registers the
prefix ``"intake.application"`` in its ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SubjectInfo:
    reference: str  # what staff quote, e.g. the case number
    title: str
    applicant: str
    url: str  # the staff page of the subject (where materials are checked and supplements asked)
    paused: bool = False  # e.g. waiting for the applicant's supplement (补正)
    state: str = ""


_DESCRIBERS: dict[str, Callable[[str], SubjectInfo]] = {}


def register_subject_type(prefix: str, *, describe: Callable[[str], SubjectInfo]) -> None:
    if not prefix or ":" in prefix:
        raise ValueError(f"a subject prefix is a non-empty string without ':' (got {prefix!r})")
    _DESCRIBERS[prefix] = describe


def describe_subject(subject: str) -> SubjectInfo:
    """The registered description of ``subject``; a plain one when no app registered its prefix."""
    prefix = subject.split(":", 1)[0]
    describe = _DESCRIBERS.get(prefix)
    if describe is not None:
        info = describe(subject)
        if info is not None:
            return info
    return SubjectInfo(reference=subject, title=subject, applicant="", url="")
