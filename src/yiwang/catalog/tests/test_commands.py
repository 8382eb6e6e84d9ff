"""``yiwang catalog publish`` and ``list``."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from yiwang.catalog.models import Matter, MatterVersion, VersionStatus

from .conftest import BPMN, MATERIALS


@pytest.fixture
def matter_file(tmp_path, guide, pd_tax):
    data = {**{k: v for k, v in guide.items() if k != "lead_department"}, "code": "PD-SCJGJ-0042",
            "lead_department": "PD-SCJGJ", "materials": MATERIALS}
    path = tmp_path / "matter.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    bpmn = tmp_path / "process.bpmn"
    bpmn.write_text(BPMN, encoding="utf-8")
    return path, bpmn


def test_publish_from_files(matter_file, platform_admin, capsys):
    path, bpmn = matter_file
    call_command("catalog", "publish", "--file", str(path), "--bpmn", str(bpmn), "--by", platform_admin.username)
    version = MatterVersion.objects.get(matter__code="PD-SCJGJ-0042")
    assert version.status == VersionStatus.PUBLISHED and version.process is not None
    assert "PD-SCJGJ-0042 v1" in capsys.readouterr().out
    call_command("catalog", "list")
    assert "PD-SCJGJ-0042\tv1" in capsys.readouterr().out


def test_publish_as_draft(matter_file, platform_admin):
    path, bpmn = matter_file
    call_command("catalog", "publish", "--file", str(path), "--bpmn", str(bpmn), "--by", platform_admin.username,
                 "--draft")
    assert MatterVersion.objects.get(matter__code="PD-SCJGJ-0042").status == VersionStatus.DRAFT


def test_refusals_change_nothing(matter_file, platform_admin, tax_handler, tmp_path):
    path, bpmn = matter_file
    with pytest.raises(CommandError, match="needs --file and --by"):
        call_command("catalog", "publish", "--file", str(path))
    with pytest.raises(CommandError, match="not a platform administrator"):
        call_command("catalog", "publish", "--file", str(path), "--bpmn", str(bpmn), "--by", tax_handler.username)
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot read the matter file"):
        call_command("catalog", "publish", "--file", str(broken), "--by", platform_admin.username)
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("catalog", "publish", "--file", str(path), "--by", platform_admin.username)  # no BPMN
    assert not Matter.objects.exists()
