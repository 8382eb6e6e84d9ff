"""The subject registry: how worklists show what a task is about."""

from __future__ import annotations

import pytest

from yiwang.workflow.registry import _DESCRIBERS, SubjectInfo, describe_subject, register_subject_type


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
