"""The SpiffWorkflow side: parse and check BPMN files, build, load and save workflows.

Nothing here touches the database; ``services`` holds the locks and writes the rows
(docs/decisions/0015-workflow-engine.md).
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

MAX_BPMN_BYTES = 2 * 1024 * 1024
DEFAULT_ROLE = "handler"
MAX_LIMIT_DAYS = 365

# Conditions and script tasks are Python written by the platform administrators who upload processes.
# They get plain data and a few harmless builtins, not the import machinery, files or the network.
# This is a guard against mistakes, not a sandbox against a hostile administrator (see the ADR).
_SAFE_BUILTIN_NAMES = (
    "abs", "all", "any", "bool", "dict", "enumerate", "filter", "float", "int", "isinstance", "len", "list",
    "map", "max", "min", "range", "round", "set", "sorted", "str", "sum", "tuple", "zip",
    "True", "False", "None",
)
SAFE_BUILTINS = {name: getattr(builtins, name) for name in _SAFE_BUILTIN_NAMES}


def working_days(n: int) -> str:
    """Timer expression helper: the moment ``n`` official working days from today have fully passed.

    Used in BPMN timers as ``<bpmn:timeDate>working_days(3)</bpmn:timeDate>``; the calendar is core's
    (holidays and 调休 make-up days included). The result is midnight (Asia/Shanghai) after the n-th
    working day, as an ISO 8601 string, which is what SpiffWorkflow's timeDate timers expect.
    """
    from yiwang.core.public import add_working_days

    due = add_working_days(timezone.localdate(), int(n)).date + dt.timedelta(days=1)
    moment = timezone.make_aware(dt.datetime.combine(due, dt.time.min))
    return moment.isoformat()


def script_engine() -> PythonScriptEngine:
    return PythonScriptEngine(environment=TaskDataEnvironment({
        "__builtins__": SAFE_BUILTINS,
        "working_days": working_days,
    }))


_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))


@dataclass
class ParsedProcess:
    """What a BPMN file holds once it parsed: the executable process and who does each user task."""

    process_id: str
    name: str
    # bpmn id → {"lane": lane name, "code": organisation code or "", "role": ..., "name": ..., "limit_days": ...}
    user_tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    spec: Any = None
    subprocess_specs: dict[str, Any] = field(default_factory=dict)


class BpmnProblem(Exception):
    """The file cannot run: the message says why, in words an administrator can act on."""


def _decode(bpmn: bytes | str) -> bytes:
    data = bpmn.encode("utf-8") if isinstance(bpmn, str) else bytes(bpmn)
    if not data.strip():
        raise BpmnProblem(_("The file is empty."))
    if len(data) > MAX_BPMN_BYTES:
        raise BpmnProblem(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BPMN_BYTES // (1024 * 1024)})
    return data


def _xml(data: bytes) -> Any:
    # No DTDs, no entities, no network: an uploaded file must not make the parser read or fetch anything.
    if b"<!doctype" in data[:4096].lower():
        raise BpmnProblem(_("A BPMN file must not contain a document type declaration."))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise BpmnProblem(_("This is not well-formed XML: %(error)s") % {"error": exc}) from exc
    if root.getroottree().docinfo.doctype:
        raise BpmnProblem(_("A BPMN file must not contain a document type declaration."))
    return root


def lane_code(lane: str | None) -> str:
    """The organisation code a lane names: its first word (``"SWJ 区税务局"`` → ``"SWJ"``)."""
    return (lane or "").strip().split(" ", 1)[0].strip() if lane else ""


def parse(bpmn: bytes | str, dmn: Sequence[bytes | str] = ()) -> ParsedProcess:
    """Parse and check a BPMN file (and the DMN decision tables its business rule tasks call); raise
    ``BpmnProblem`` when it cannot run at all.

    Organisation codes and roles are checked by the caller (they need the database).
    """
    root = _xml(_decode(bpmn))
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        parser.add_bpmn_xml(root, filename="process.bpmn")
    except Exception as exc:  # noqa: BLE001 (the XSD check and the parsers raise many kinds)
        raise BpmnProblem(_("The file is not valid BPMN 2.0: %(error)s") % {"error": _one_line(exc)}) from exc
    for number, table in enumerate(dmn, start=1):
        try:
            parser.add_dmn_xml(_xml(_decode(table)), filename=f"decision-{number}.dmn")
        except BpmnProblem as exc:
            raise BpmnProblem(_("Decision table file %(n)d: %(error)s") % {"n": number, "error": exc}) from exc
        except Exception as exc:  # noqa: BLE001
            raise BpmnProblem(_("Decision table file %(n)d is not valid DMN: %(error)s")
                              % {"n": number, "error": _one_line(exc)}) from exc
    ids = parser.get_process_ids()
    if not ids:
        raise BpmnProblem(_("The file has no executable process (set isExecutable=\"true\" on the process)."))
    if len(ids) > 1:
        raise BpmnProblem(_("The file has %(n)d executable processes (%(ids)s); mark exactly one executable.")
                          % {"n": len(ids), "ids": ", ".join(sorted(ids))})
    process_id = ids[0]
    try:
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
        BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine())
    except Exception as exc:  # noqa: BLE001
        raise BpmnProblem(_("The process cannot be built: %(error)s") % {"error": _one_line(exc)}) from exc
    parsed = ParsedProcess(process_id=process_id, name=spec.description or process_id, spec=spec,
                           subprocess_specs=subprocess_specs)
    for each_spec in [spec, *subprocess_specs.values()]:
        for task_spec in each_spec.task_specs.values():
            _check_code(task_spec)
            if getattr(task_spec, "manual", False):
                properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
                parsed.user_tasks[task_spec.bpmn_id] = {
                    "lane": task_spec.lane or "",
                    "code": lane_code(task_spec.lane),
                    "role": (properties.get("role") or DEFAULT_ROLE).strip(),
                    "name": task_spec.bpmn_name or task_spec.bpmn_id,
                    "limit_days": properties.get("limit_days"),
                }
    return parsed


_BARE_ISO_TIME = re.compile(r"R\d*/.*|P(?=\d|T\d)[\dYMWD]*(T[\dHMS.,]+)?|\d{4}-\d{2}-\d{2}(T[\d:.+\-Z]*)?",
                            re.IGNORECASE)


def _check_code(task_spec: Any) -> None:
    """Conditions and scripts must at least compile: a typo should fail at upload, not in a live case."""
    for condition, _target in getattr(task_spec, "cond_task_specs", None) or []:
        expression = (getattr(condition, "args", None) or [None])[0]
        if isinstance(expression, str):
            try:
                compile(expression, "<condition>", "eval")
            except SyntaxError as exc:
                raise BpmnProblem(_("The condition “%(expr)s” after “%(task)s” is not a valid expression: "
                                    "%(error)s") % {"expr": expression, "task": task_spec.bpmn_name
                                                    or task_spec.bpmn_id, "error": exc.msg}) from exc
    timer = getattr(getattr(task_spec, "event_definition", None), "expression", None)
    if isinstance(timer, str):
        if _BARE_ISO_TIME.fullmatch(timer.strip()):
            raise BpmnProblem(_("The timer of “%(task)s” is “%(expr)s”: timer fields are expressions, so write the "
                                "ISO 8601 value in quotes (\"%(expr)s\") or use working_days(n).")
                              % {"task": task_spec.bpmn_name or task_spec.bpmn_id, "expr": timer.strip()})
        try:
            compile(timer, "<timer>", "eval")
        except SyntaxError as exc:
            raise BpmnProblem(_("The timer of “%(task)s” is not a valid expression: %(error)s")
                              % {"task": task_spec.bpmn_name or task_spec.bpmn_id, "error": exc.msg}) from exc
    script = getattr(task_spec, "script", None)
    if isinstance(script, str):
        try:
            compile(script, "<script>", "exec")
        except SyntaxError as exc:
            raise BpmnProblem(_("The script of “%(task)s” is not valid Python: %(error)s")
                              % {"task": task_spec.bpmn_name or task_spec.bpmn_id, "error": exc.msg}) from exc


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or exc.__class__.__name__


_PARSED: dict[str, ParsedProcess] = {}
_PARSED_MAX = 256


def new_workflow(bpmn_xml: str, process_id: str, dmn_xml: Sequence[str] = ()) -> BpmnWorkflow:
    """A fresh workflow of a stored definition. Parsing (with the XSD check) is the slow part, so each
    process keeps the parsed specs by the files' SHA-256; specs are never changed by running workflows."""
    digest = hashlib.sha256(bpmn_xml.encode("utf-8"))
    for table in dmn_xml:
        digest.update(b"\0" + table.encode("utf-8"))
    key = digest.hexdigest()
    parsed = _PARSED.get(key)
    if parsed is None:
        parsed = parse(bpmn_xml, dmn_xml)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = parsed
    if parsed.process_id != process_id:  # cannot happen for a stored definition; guard anyway
        raise BpmnProblem(_("The stored process id does not match the file."))
    return BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=script_engine())


def dump(workflow: BpmnWorkflow) -> str:
    return _SERIALIZER.serialize_json(workflow)  # type: ignore[no-any-return]


def load(state: str) -> BpmnWorkflow:
    workflow = _SERIALIZER.deserialize_json(state)
    workflow.script_engine = script_engine()
    return workflow


def ready_user_tasks(workflow: BpmnWorkflow) -> list[Task]:
    return list(workflow.get_tasks(state=TaskState.READY, manual=True))


def find_task(workflow: BpmnWorkflow, engine_task_id: uuid.UUID) -> Task | None:
    return workflow.get_task_from_id(engine_task_id)  # type: ignore[no-any-return]


TIMER_EVENT_TYPES = frozenset({"TimeDateEventDefinition", "DurationTimerEventDefinition", "CycleTimerEventDefinition"})


def next_timer_due(workflow: BpmnWorkflow) -> dt.datetime | None:
    """The earliest moment a waiting timer of the workflow is due (``None`` when no timer waits)."""
    earliest: dt.datetime | None = None
    for event in workflow.waiting_events():
        if getattr(event, "event_type", "") not in TIMER_EVENT_TYPES:
            continue
        value = getattr(event, "value", None)
        if isinstance(value, dict):  # a cycle timer
            value = value.get("next")
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            moment = timezone.now()  # unknown shape: look at it on the next sweep
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, dt.UTC)
        earliest = moment if earliest is None or moment < earliest else earliest
    return earliest
