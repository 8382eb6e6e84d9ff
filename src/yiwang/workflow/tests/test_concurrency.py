"""Two departments finishing their parallel branches at the same instant (SPEC §3.4, issue 4).

Each thread has its own database connection and transaction. Both are held at a barrier just before
they lock the process instance row, so they really arrive together; the row lock must make the second
one continue from the first one's state: no branch lost, the case completed exactly once.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from yiwang.workflow import services
from yiwang.workflow.models import DepartmentTask, ProcessInstance
from yiwang.workflow.public import process_finished

from .conftest import task_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: SQLite (in memory, one writer at a time) cannot run two "
                              "concurrent write transactions, so there is no race to prove"),
]


def test_two_departments_finishing_at_once_complete_the_case_exactly_once(
        parallel_definition, start, tax_handler, commerce_handler, finance_handler, monkeypatch):
    instance = start(parallel_definition, {"form": {"foreign_capital": False}})
    services.task_approve(task=task_of(instance, "SWJ"), opinion="税务同意", by=tax_handler)
    last_two = [(task_of(instance, "SCJGJ"), commerce_handler, services.task_approve, "工商同意"),
                (task_of(instance, "CZJ"), finance_handler, services.task_reject, "财政不同意")]

    barrier = threading.Barrier(len(last_two), timeout=30)
    real_lock = services._locked_instance
    arrived: list[int] = []

    def lock_together(instance_id: int) -> ProcessInstance:
        if threading.current_thread() is not threading.main_thread():
            arrived.append(instance_id)
            barrier.wait()
        return real_lock(instance_id)

    monkeypatch.setattr(services, "_locked_instance", lock_together)
    finished: list[str] = []
    process_finished.connect(lambda sender, **kw: finished.append(kw["outcome"]), weak=False,
                             dispatch_uid="concurrency-test")
    errors: list[BaseException] = []

    def finish(task: DepartmentTask, user, act, opinion: str) -> None:
        try:
            act(task=task, opinion=opinion, by=user)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=finish, args=args) for args in last_two]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        process_finished.disconnect(dispatch_uid="concurrency-test")

    assert errors == []
    assert len(arrived) == 2  # both really went for the lock at the same moment
    instance.refresh_from_db()
    assert (instance.status, instance.outcome) == ("completed", "rejected")
    assert finished == ["rejected"]  # process_finished sent once
    statuses = dict(DepartmentTask.objects.filter(instance=instance).values_list("organisation__code", "decision"))
    assert statuses == {"SWJ": "approved", "SCJGJ": "approved", "CZJ": "rejected"}
    data = services.data_of(services.engine.load(instance.state))
    assert data["decisions"] == {"SWJ": "approved", "SCJGJ": "approved", "CZJ": "rejected"}
    assert data["opinions"] == {"SWJ": "税务同意", "SCJGJ": "工商同意", "CZJ": "财政不同意"}
