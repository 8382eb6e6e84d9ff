"""The demo cases: the demo citizen and enterprise have cases in several states, loaded idempotently."""

import io

import pytest

from yiwang.catalog.demo import demo_matters_load
from yiwang.core.public import demo_loaders
from yiwang.identity.demo import demo_data_load
from yiwang.intake.demo import demo_pdf, intake_demo_load
from yiwang.intake.models import Application, Status

pytestmark = pytest.mark.django_db


def test_the_demo_loader_is_registered_after_the_catalogue():
    names = [step.name for step in demo_loaders()]
    assert names.index("intake cases") > names.index("catalogue")


def test_demo_cases_in_several_states(settings):
    demo_data_load()
    demo_matters_load()
    out = io.StringIO()
    created, present = intake_demo_load(out)
    assert (created, present) == (5, 0) and "cases (办件)" in out.getvalue()
    states = {(a.version.matter.code, a.status) for a in Application.objects.select_related("version__matter")}
    assert states == {
        ("PD-RSJ-0001", Status.DECIDED_ON_SPOT),
        ("PD-MZJ-0002", Status.ACCEPTED),
        ("PD-SCJGJ-0001", Status.APPROVED),
        ("PD-SCJGJ-0001", Status.AWAITING_SUPPLEMENT),
        ("PD-SCJGJ-0002", Status.ACCEPTED),
    }
    assert Application.objects.filter(enterprise__credit_code="91310115MA1YW0012F").count() == 3
    assert intake_demo_load(None) == (0, 5)  # a second run keeps what is there
    assert Application.objects.count() == 5


def test_the_demo_pdf_is_recognised_as_a_pdf():
    import filetype

    kind = filetype.guess(demo_pdf("licence"))
    assert kind is not None and kind.mime == "application/pdf"
