"""The subject registry: how worklists show what a task is about."""

from __future__ import annotations

import pytest

from yiwang.workflow.registry import (
    _DESCRIBERS,
    _MANY_DESCRIBERS,
    SubjectInfo,
    describe_subject,
    describe_subjects,
    register_subject_type,
)


def test_an_unregistered_subject_is_shown_as_it_is():
    assert describe_subject("nobody.knows:7") == SubjectInfo(reference="nobody.knows:7", title="nobody.knows:7",
                                                             applicant="", url="")


def test_a_registered_prefix_describes_its_subjects():
    register_subject_type("test.thing", describe=lambda s: SubjectInfo(reference="T-" + s.split(":")[1],
                                                                       title="A thing", applicant="李四", url="/t/"))
    try:
        info = describe_subject("test.thing:9")
        assert (info.reference, info.applicant, info.paused) == ("T-9", "李四", False)
    finally:
        _DESCRIBERS.pop("test.thing", None)


@pytest.mark.parametrize("prefix", ["", "has:colon"])
def test_bad_prefixes_are_refused(prefix):
    with pytest.raises(ValueError):
        register_subject_type(prefix, describe=lambda s: None)  # type: ignore[arg-type,return-value]


def test_many_subjects_are_described_in_one_call_per_prefix():
    calls: list[list[str]] = []

    def many(subjects: list[str]) -> dict[str, SubjectInfo]:
        calls.append(subjects)
        return {s: SubjectInfo(reference="M-" + s.split(":")[1], title="", applicant="", url="")
                for s in subjects if s != "test.many:3"}

    register_subject_type("test.many", describe=lambda s: SubjectInfo(reference="one", title="", applicant="",
                                                                      url=""), describe_many=many)
    try:
        found = describe_subjects(["test.many:1", "test.many:2", "test.many:1", "test.many:3", "nobody.knows:7"])
        assert calls == [["test.many:1", "test.many:2", "test.many:3"]]
        assert {s: i.reference for s, i in found.items()} == {
            "test.many:1": "M-1", "test.many:2": "M-2", "test.many:3": "one", "nobody.knows:7": "nobody.knows:7"}
    finally:
        _DESCRIBERS.pop("test.many", None)
        _MANY_DESCRIBERS.pop("test.many", None)
