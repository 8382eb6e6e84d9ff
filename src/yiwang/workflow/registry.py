"""What a process decides about: apps above register how to describe their subjects for the worklist.

A subject is a string ``"<prefix>:<id>"``, e.g. ``"intake.application:42"``; intake registers the
prefix ``"intake.application"`` in its ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
_MANY_DESCRIBERS: dict[str, Callable[[list[str]], dict[str, SubjectInfo]]] = {}


def register_subject_type(prefix: str, *, describe: Callable[[str], SubjectInfo],
                          describe_many: Callable[[list[str]], dict[str, SubjectInfo]] | None = None) -> None:
    """``describe`` one subject; optionally ``describe_many`` subjects at once (a worklist page in one query),
    returning ``{subject: info}`` — a subject it leaves out is described one by one."""
    if not prefix or ":" in prefix:
        raise ValueError(f"a subject prefix is a non-empty string without ':' (got {prefix!r})")
    _DESCRIBERS[prefix] = describe
    if describe_many is None:
        _MANY_DESCRIBERS.pop(prefix, None)
    else:
        _MANY_DESCRIBERS[prefix] = describe_many


def describe_subject(subject: str) -> SubjectInfo:
    """The registered description of ``subject``; a plain one when no app registered its prefix."""
    prefix = subject.split(":", 1)[0]
    describe = _DESCRIBERS.get(prefix)
    if describe is not None:
        info = describe(subject)
        if info is not None:
            return info
    return SubjectInfo(reference=subject, title=subject, applicant="", url="")


def describe_subjects(subjects: Iterable[str]) -> dict[str, SubjectInfo]:
    """``{subject: info}`` for many subjects: one call per prefix where the app registered ``describe_many``."""
    by_prefix: dict[str, list[str]] = {}
    for subject in dict.fromkeys(subjects):
        by_prefix.setdefault(subject.split(":", 1)[0], []).append(subject)
    described: dict[str, SubjectInfo] = {}
    for prefix, group in by_prefix.items():
        many = _MANY_DESCRIBERS.get(prefix)
        found = many(group) if many is not None else {}
        for subject in group:
            described[subject] = found[subject] if subject in found else describe_subject(subject)
    return described
