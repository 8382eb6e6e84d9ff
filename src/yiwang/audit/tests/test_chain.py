"""The audit chain: every record linked to the one before; `yiwang audit verify` finds tampering."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from yiwang.audit.models import AuditRecord, AuditResult
from yiwang.audit.services import GENESIS, audit_chain_verify, audit_record
from yiwang.conftest import run_together

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(citizen, tax_handler):
    """A few real records: registrations, staff creation, role grants."""
    audit_record(action="audit.access.denied", actor=citizen, result=AuditResult.DENIED, details={"what": "x"})
    records = list(AuditRecord.objects.order_by("seq"))
    assert len(records) >= 5
    return records


def raw_sql(sql: str, params: list) -> None:
    """What someone with direct database access would do; on PostgreSQL they must first drop our guard."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred checks
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_record_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_record_append_only")


def test_records_form_one_chain(chain):
    assert chain[0].seq == 1 and chain[0].prev_hash == GENESIS
    for previous, record in zip(chain, chain[1:], strict=False):
        assert record.seq == previous.seq + 1
        assert record.prev_hash == previous.hash
    report = audit_chain_verify()
    assert report.ok and report.checked == len(chain)


def test_records_carry_who_what_when_and_result(chain, citizen):
    denied = chain[-1]
    assert denied.action == "audit.access.denied"
    assert denied.actor == citizen and denied.actor_name == "zhangsan"
    assert denied.result == "denied" and denied.at is not None
    assert denied.details == {"what": "x"}


def test_a_hand_edited_row_is_caught(chain):
    victim = chain[2]
    raw_sql("UPDATE audit_auditrecord SET result = 'failure' WHERE seq = %s", [victim.seq])
    report = audit_chain_verify()
    assert not report.ok
    assert report.first_bad_seq == victim.seq
    assert report.problem == f"record #{victim.seq} was altered"


def test_a_deleted_row_is_caught(chain):
    raw_sql("DELETE FROM audit_auditrecord WHERE seq = %s", [chain[1].seq])
    report = audit_chain_verify()
    assert not report.ok and report.first_bad_seq == chain[1].seq
    assert "missing" in report.problem


def test_a_cut_tail_is_caught(chain):
    raw_sql("DELETE FROM audit_auditrecord WHERE seq = %s", [chain[-1].seq])
    report = audit_chain_verify()
    assert not report.ok and report.first_bad_seq == chain[-1].seq


def test_an_inserted_row_is_caught(chain):
    # Shift a record's place: forge record #2 as a copy of #3 with a recomputed hash of its own.
    victim = chain[1]
    raw_sql("UPDATE audit_auditrecord SET prev_hash = %s WHERE seq = %s", ["f" * 64, victim.seq])
    report = audit_chain_verify()
    assert not report.ok and report.first_bad_seq == victim.seq
    assert "does not link" in report.problem


def test_verify_command_exits_non_zero_naming_the_record(chain, capsys):
    call_command("audit", "verify")
    assert f"{len(chain)} records verified" in capsys.readouterr().out
    raw_sql("UPDATE audit_auditrecord SET actor_name = 'someone-else' WHERE seq = %s", [chain[3].seq])
    with pytest.raises(CommandError, match=f"record #{chain[3].seq} was altered"):
        call_command("audit", "verify")


def test_records_cannot_be_changed_through_the_orm(chain):
    record = AuditRecord.objects.get(seq=chain[0].seq)
    record.result = "failure"
    with pytest.raises(RuntimeError):
        record.save()
    with pytest.raises(RuntimeError):
        record.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger exists on PostgreSQL only")
def test_postgresql_refuses_updates_and_deletes(chain):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditrecord SET result = 'failure' WHERE seq = 1")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditrecord WHERE seq = 1")
    assert audit_chain_verify().ok


def test_unregistered_actions_are_refused(db):
    with pytest.raises(LookupError):
        audit_record(action="nobody.registered.this")
    assert not AuditRecord.objects.exists()


def test_an_audit_record_rolls_back_with_the_business_change(citizen):
    before = AuditRecord.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(action="audit.access.denied", actor=citizen)
        1 / 0  # noqa: B018
    assert AuditRecord.objects.count() == before
    assert audit_chain_verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    """Eight threads appending at once: consecutive sequence numbers, every link intact."""

    def writer(n: int) -> None:
        for i in range(10):
            with transaction.atomic():
                audit_record(action="audit.access.denied", actor_name=f"t{n}", details={"i": i})

    _, errors = run_together(8, writer)
    assert not errors
    assert list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 81))
    report = audit_chain_verify()
    assert report.ok and report.checked == 80


def test_the_audit_page_names_actions_in_the_reader_s_language(chain, platform_admin):
    from django.test import Client

    from yiwang.conftest import staff_login

    client = Client()
    staff_login(client, platform_admin)
    page = client.get("/workbench/audit/").content.decode()
    assert "注册自然人账号" in page and "identity.citizen.register" in page
