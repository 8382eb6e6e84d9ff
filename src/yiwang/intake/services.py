"""Writes of intake (一口受理): submitting a case through any channel, supplement notices (一次性告知 and 补正),
on-the-spot decisions (即办件), withdrawal, and the result when the departments have finished.

Every service runs in one transaction and leaves an audit record; uploaded files are stored inside it and
removed again if it fails. Notices to the applicant go through ``notifications`` and leave on commit.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import secrets
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yiwang.audit.public import audit_record
from yiwang.catalog.public import (
    ApplicantKind,
    MaterialMedium,
    form_data_validate,
    materials_of,
    matter_version_for_application,
)
from yiwang.core.public import ClockState, ValidationFailed, clock_pause, clock_resume, clock_start, clock_stop
from yiwang.core.public import FieldErrors as _Errors
from yiwang.identity.public import AccountKind, Role, assurance_meets, deny, enterprises_of, has_role
from yiwang.notifications.public import notification_send
from yiwang.workflow.public import (
    instance_of_subject,
    process_cancel,
    process_start,
    subject_clocks_pause,
    subject_clocks_resume,
    tasks_of_subject,
)

from . import uploads
from .models import Application, CaseNumberSequence, Channel, Material, Outcome, Status, SupplementRequest
from .selectors import is_applicant_side, is_handler_of
from .uploads import Upload

NOTICE_LANGUAGE = "zh-hans"  # notices are stored once, in the primary language (ADR 0017)


def applicant_masked(application: Application) -> str:
    """The applicant as a receipt or a worklist shows them: surname only, identity number masked."""
    if application.enterprise is not None:
        return str(application.enterprise.name)
    person = application.applicant
    name = str(person.real_name or person.username)
    masked = name[:1] + "*" * max(len(name) - 1, 1)
    number = getattr(person, "id_number_masked", "")
    return f"{masked} ({number})" if number else masked


def matter_name(version: Any) -> str:
    return str(getattr(version, "name", "") or getattr(version.matter, "name", "") or version.matter.code)


# --- case numbers ---------------------------------------------------------------------------------------------

def case_number_next(*, on: dt.date | None = None) -> str:
    """``PD`` + the Shanghai date + a six-digit sequence of that day, e.g. ``PD20261128000042``.

    The day's sequence row is incremented with one UPDATE, which locks it until the caller's transaction ends,
    so two concurrent submissions never get the same number (the first of a day creates the row in a savepoint).
    Every submission of the day queues on that row: callers take the number as late as they can.
    """
    day = on or timezone.localdate()
    last = _sequence_increment(day)
    if last is None:
        try:
            with transaction.atomic():
                CaseNumberSequence.objects.create(day=day, last=1)
            last = 1
        except IntegrityError:  # another submission created the day's row first
            last = _sequence_increment(day)
    if last is None:  # the row that was just there is gone: never, unless someone deletes sequences by hand
        raise RuntimeError(f"the case number sequence of {day} vanished")
    return f"PD{day:%Y%m%d}{last:06d}"


def _sequence_increment(day: dt.date) -> int | None:
    """The day's next number, or None before the day's first one: ``UPDATE … RETURNING``, one round trip where
    the ORM's ``update()`` would need a second statement to read the number back."""
    meta = CaseNumberSequence._meta
    qn = connection.ops.quote_name
    last, day_field = meta.get_field("last"), meta.get_field("day")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {qn(meta.db_table)} SET {qn(last.column)} = {qn(last.column)} + 1 "  # noqa: S608
                       f"WHERE {qn(day_field.column)} = %s RETURNING {qn(last.column)}",  # names from the model
                       [day_field.get_db_prep_value(day, connection)])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


# --- submission -----------------------------------------------------------------------------------------------

def _check_channel(errors: _Errors, *, channel: str, applicant: Any, by: Any, enterprise: Any) -> None:
    if channel not in Channel.values:
        errors.add("channel", _("Unknown channel."))
        return
    if getattr(applicant, "kind", None) not in (AccountKind.CITIZEN, AccountKind.ENTERPRISE):
        errors.add("applicant", _("Applications are made for citizens and enterprises, not staff accounts."))
    if channel in (Channel.PORTAL, Channel.API):
        if by.pk != applicant.pk:
            raise deny(by, "intake.apply_for_someone_else")
    elif channel == Channel.COUNTER and not has_role(by, Role.WINDOW_CLERK):
        raise deny(by, "intake.counter")
    elif channel == Channel.HOTLINE and not has_role(by, Role.HOTLINE_AGENT):
        raise deny(by, "intake.hotline")
    if enterprise is not None and not enterprises_of(user=applicant).filter(pk=enterprise.pk).exists():
        errors.add("enterprise", _("The applicant may not act for this enterprise."))


def _check_uploads(errors: _Errors, version: Any, files: Sequence[Upload], *, need_required: bool,
                   only: set[str] | None = None, channel: str = "") -> list[uploads.CheckedUpload]:
    requirements = {r.code: r for r in materials_of(version=version)}
    checked: list[uploads.CheckedUpload] = []
    for upload in files:
        requirement = requirements.get(upload.requirement)
        field = f"materials.{upload.requirement}"
        if requirement is None or (only is not None and upload.requirement not in only):
            errors.add(field, _("This matter asks for no material “%(code)s” here.") % {"code": upload.requirement})
            continue
        ok, problems = uploads.check(upload, requirement)
        for problem in problems:
            errors.add(field, problem)
        if ok is not None:
            checked.append(ok)
    if need_required:
        given = {u.requirement for u in files}
        for code, requirement in requirements.items():
            if getattr(requirement, "required", False) and upload_needed(requirement, channel) and code not in given:
                errors.add(f"materials.{code}", _("“%(name)s” is required.") % {"name": requirement.name})
    return checked


def upload_needed(requirement: Any, channel: str) -> bool:
    """Paper-only materials are handed in at the counter, never uploaded; "paper or electronic" ones must be
    uploaded online but may be handed over on paper at the counter."""
    medium = str(getattr(requirement, "medium", "") or "electronic")
    if medium == MaterialMedium.PAPER:
        return False
    return not (medium == MaterialMedium.BOTH and channel == Channel.COUNTER)


def _files_store(checked: list[uploads.CheckedUpload], files: uploads.StoredFiles,
                 ) -> list[tuple[uploads.CheckedUpload, str]]:
    """Write the checked uploads to storage (removed again by ``files`` if the service fails); their names."""
    return [(item, files.store(item)) for item in checked]


def _materials_create(application: Application, stored: list[tuple[uploads.CheckedUpload, str]], by: Any,
                      supplement: SupplementRequest | None = None) -> list[Material]:
    materials = []
    for item, name in stored:
        material = Material(application=application, requirement_code=item.requirement.code,
                            requirement_name=str(item.requirement.name)[:200],
                            original_name=item.upload.name[-200:], content_type=item.content_type,
                            size=len(item.upload.content), sha256=item.upload.sha256, uploaded_by=by,
                            supplement=supplement)
        material.file.name = name
        materials.append(material)
    Material.objects.bulk_create(materials)
    return materials


def fingerprint_of(payload: Any) -> str:
    """A stable hash of a request body, to tell a retried submission from a different one under the same key."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                                     default=str).encode()).hexdigest()


def application_submit(*, code: str, applicant: Any, by: Any, channel: str, form_data: dict[str, Any],
                       files: Sequence[Upload] = (), enterprise: Any = None, idempotency_key: str = "",
                       fingerprint: str = "") -> Application:
    """Submit a case for the published version of matter ``code`` and accept it (受理).

    Rules: the matter must be open for applications; ``by`` is the applicant on the portal and the API, a window
    clerk at the counter, a hotline agent on the hotline; an agent applies for an ``enterprise`` they may act for;
    the applicant must reach the matter's assurance level; the form data must satisfy the matter's form
    definition and every required electronic material must be uploaded (type checked by content). An accepted
    case gets a case number, its clock (the promised limit in working days) and — unless it is an
    on-the-spot matter (即办件) — its process. Nothing is written when anything is wrong.
    """
    with uploads.stored_files() as files_stored, transaction.atomic():
        return _submit(code=code, applicant=applicant, by=by, channel=channel, form_data=form_data, files=files,
                       enterprise=enterprise, idempotency_key=idempotency_key, fingerprint=fingerprint,
                       stored=files_stored)


def application_submit_idempotent(*, idempotency_key: str, fingerprint: str, **kwargs: Any) -> tuple[Application, bool]:
    """``application_submit`` for the API: a retry with the same ``Idempotency-Key`` and the same body returns the
    case made the first time (``False``: not created now); the same key with another body is refused.

    The unique constraint on (submitted_by, idempotency_key) settles two concurrent first attempts: the loser's
    insert fails, its transaction (and files) are rolled back, and it returns the winner's case.
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise ValidationFailed(_("Send an Idempotency-Key header of 1 to 100 characters."), code="idempotency_key",
                               field_errors={"Idempotency-Key": [_("Required, at most 100 characters.")]})
    by = kwargs["by"]
    existing = _replay(by=by, key=key, fingerprint=fingerprint)
    if existing is not None:
        return existing, False
    try:
        return application_submit(idempotency_key=key, fingerprint=fingerprint, **kwargs), True
    except IntegrityError:
        existing = _replay(by=by, key=key, fingerprint=fingerprint)
        if existing is None:
            raise
        return existing, False


def _replay(*, by: Any, key: str, fingerprint: str) -> Application | None:
    existing = Application.objects.filter(submitted_by=by, idempotency_key=key).first()
    if existing is not None and existing.request_fingerprint != fingerprint:
        raise ValidationFailed(
            _("This Idempotency-Key was already used for a different submission (case %(number)s). "
              "Use a new key for a new application.") % {"number": existing.number},
            code="idempotency_key_reused", field_errors={"Idempotency-Key": [_("Already used with another body.")]})
    return existing


def _submit(*, code: str, applicant: Any, by: Any, channel: str, form_data: dict[str, Any], files: Sequence[Upload],
            enterprise: Any, idempotency_key: str, fingerprint: str, stored: uploads.StoredFiles) -> Application:
    version = matter_version_for_application(code=code)  # NotFound / ValidationFailed("matter_not_open")
    errors = _Errors()
    if enterprise is None and getattr(applicant, "kind", None) == AccountKind.ENTERPRISE:
        enterprise = enterprises_of(user=applicant).first()  # an enterprise account applies for itself
    _check_channel(errors, channel=channel, applicant=applicant, by=by, enterprise=enterprise)
    if channel in (Channel.PORTAL, Channel.API) and not getattr(version, "apply_online", True):
        errors.add("channel", _("This matter cannot be applied for online: please apply at a citizen-centre counter."))
    kind = getattr(version, "applicant_kind", ApplicantKind.BOTH)
    if kind == ApplicantKind.ENTERPRISE and enterprise is None:
        errors.add("enterprise", _("Only enterprises may apply for this matter: choose the enterprise you act for."))
    elif kind == ApplicantKind.CITIZEN and enterprise is not None:
        errors.add("enterprise", _("Only natural persons may apply for this matter, not enterprises."))
    required = int(getattr(version, "required_assurance", 1) or 1)
    if not assurance_meets(user=applicant, required=required):
        errors.add("applicant", _("This matter needs a higher identity assurance level than the applicant has. "
                                  "Have the identity checked (for example at a citizen-centre counter) first."))
    cleaned: dict[str, Any] = {}
    try:
        cleaned = form_data_validate(version=version, data=form_data if isinstance(form_data, dict) else {})
    except ValidationFailed as exc:
        errors.merge(exc.field_errors or {"__all__": [str(exc.message)]})
    checked = _check_uploads(errors, version, files, need_required=True, channel=channel)
    errors.raise_if_any(_("The application was not submitted: please correct the errors below."))
    process = version.process
    if not version.on_the_spot and process is None:  # publishing refuses this; a guard, not a rule
        raise ValidationFailed(_("This matter has no process to handle applications."), code="matter_not_open")

    now = timezone.now()
    files_stored = _files_store(checked, stored)
    # The case number as late as it can be: the day's sequence row stays locked from here to COMMIT and every
    # submission of the day waits for it. The files are written before; the clock and the process need the number
    # (a process without a user task decides the case, and tells the applicant, inside process_start).
    number = case_number_next(on=timezone.localdate(now))
    limit = int(getattr(version, "promised_days", 0) or 0)
    clock = clock_start(purpose=f"{number} {matter_name(version)}"[:100], started_on=timezone.localdate(now),
                        limit_days=limit) if limit >= 1 else None
    application = Application.objects.create(
        number=number, version=version, channel=channel, applicant=applicant, enterprise=enterprise,
        submitted_by=by, form_data=cleaned, status=Status.ACCEPTED, clock=clock,
        status_token=secrets.token_urlsafe(24), idempotency_key=idempotency_key, request_fingerprint=fingerprint,
        submitted_at=now, updated_at=now)
    _materials_create(application, files_stored, by)
    if process is not None and not version.on_the_spot:
        process_start(definition=process, subject=application.subject,
                      data={"form": cleaned, "applicant_kind": "enterprise" if enterprise is not None else "citizen",
                            "matter_code": version.matter.code}, by=by)
    audit_record(action="intake.application.submit", actor=by, obj=application,
                 on_behalf_of=f"user:{applicant.username}" if by.pk != applicant.pk else "",
                 details={"matter": version.matter.code, "version": version.number, "channel": channel,
                          "materials": len(checked), "enterprise": getattr(enterprise, "credit_code", "")})
    # A process with no user task has already decided the case (process_finished, on its own copy of the row):
    # only then is there more than the status to read again (and the version, clock and applicant stay cached).
    application.refresh_from_db(fields=["status"])
    if application.status != Status.ACCEPTED:
        application.refresh_from_db()
    else:
        _notify_accepted(application)
    return application


def _notice(fn: Any) -> Any:
    """Write notices in the primary language, whatever language the triggering request used."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with translation.override(NOTICE_LANGUAGE):
            return fn(*args, **kwargs)
    return wrapper


@_notice
def _notify_accepted(application: Application) -> None:
    lines = [_("Your application for “%(matter)s” was accepted with case number %(number)s.")
             % {"matter": matter_name(application.version), "number": application.number}]
    if application.clock is not None:
        lines.append(_("Promised completion date: %(date)s.") % {"date": application.clock.due_on.isoformat()})
    if application.version.on_the_spot:
        lines.append(_("This matter is decided on the spot."))
    _notify(application, subject=_("Case %(number)s accepted") % {"number": application.number},
            body="\n".join(lines), kind="intake.accepted")


def _notify(application: Application, *, subject: str, body: str, kind: str) -> None:
    url = reverse("intake:my_case", kwargs={"number": application.number})
    recipients = [application.applicant]
    if application.enterprise is not None and application.enterprise.account_id not in (None,
                                                                                      application.applicant_id):
        recipients.append(application.enterprise.account)
    for recipient in recipients:
        notification_send(recipient=recipient, subject=subject, body=body, url=url, kind=kind)



# --- supplements (一次性告知 / 补正) -----------------------------------------------------------------------------

@transaction.atomic
def supplement_request(*, application: Application, items: Sequence[dict[str, str]], note: str = "",
                       by: Any) -> SupplementRequest:
    """Tell the applicant once everything that is missing or must be corrected (一次性告知); pauses the clock.

    ``items`` are ``{"code": <material code or "">, "reason": <text>}``; an empty code is a correction that is not
    a material (e.g. a wrong address in the form). Only handlers of a department involved in the case may ask,
    only while the case is open, and only one notice may be open at a time.
    """
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not is_handler_of(by, application):
        raise deny(by, "intake.supplement_request", application)
    errors = _Errors()
    if application.status not in (Status.ACCEPTED, Status.IN_PROGRESS, Status.SUBMITTED):
        errors.add("__all__", _("Supplements can only be asked for while the case is being handled."))
    requirements = {r.code: r for r in materials_of(version=application.version)}
    clean_items: list[dict[str, str]] = []
    for index, item in enumerate(items or []):
        code = str(item.get("code", "") or "").strip()
        reason = str(item.get("reason", "") or "").strip()
        if code and code not in requirements:
            errors.add(f"items.{index}", _("Unknown material “%(code)s”.") % {"code": code})
            continue
        if not code and not reason:
            continue
        if len(reason) > 500:
            errors.add(f"items.{index}", _("Keep each reason under 500 characters."))
        name = str(requirements[code].name) if code else ""
        clean_items.append({"code": code, "name": name, "reason": reason})
    if not clean_items:
        errors.add("items", _("List at least one missing material or correction."))
    errors.raise_if_any(_("The notice was not sent: please correct the errors below."))
    notice = SupplementRequest.objects.create(application=application, items=clean_items, note=(note or "").strip(),
                                              requested_by=by)
    reason = _("Supplement notice for %(number)s") % {"number": application.number}
    if application.clock is not None and application.clock.state == ClockState.RUNNING:
        clock_pause(clock=application.clock, reason=reason)
    subject_clocks_pause(subject=application.subject, reason=reason)  # the departments' task clocks too
    application.status = Status.AWAITING_SUPPLEMENT
    application.updated_at = timezone.now()
    application.save(update_fields=["status", "updated_at"])
    audit_record(action="intake.supplement.request", actor=by, obj=application,
                 details={"notice": notice.pk, "items": [i["code"] or i["reason"][:40] for i in clean_items]})
    _notify_supplement(application, notice)
    return notice


@_notice
def _notify_supplement(application: Application, notice: SupplementRequest) -> None:
    lines = [_("Case %(number)s (%(matter)s): please supply everything below in one go. The time limit is paused "
               "until you do.") % {"number": application.number, "matter": matter_name(application.version)}]
    for item in notice.items:
        label = item["name"] or _("Correction")
        lines.append(f"- {label}: {item['reason']}" if item["reason"] else f"- {label}")
    if notice.note:
        lines.append(notice.note)
    _notify(application, subject=_("Case %(number)s: materials needed") % {"number": application.number},
            body="\n".join(lines), kind="intake.supplement_requested")


def supplement_submit(*, application: Application, files: Sequence[Upload] = (), note: str = "",
                      by: Any) -> SupplementRequest:
    """The applicant supplements (补正) what the open notice asked for; the clock resumes.

    Every material the notice names must be uploaded again (checked like the first time); corrections that are
    not materials are answered with ``note``.
    """
    with uploads.stored_files() as stored, transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not is_applicant_side(by, application) and application.submitted_by_id != by.pk:
            raise deny(by, "intake.supplement_submit", application)
        notice = application.supplement_requests.filter(answered_at__isnull=True).first()
        errors = _Errors()
        if notice is None or application.status != Status.AWAITING_SUPPLEMENT:
            raise ValidationFailed(_("Nothing is waiting to be supplemented on this case."), code="no_open_notice")
        wanted = {i["code"] for i in notice.items if i["code"]}
        checked = _check_uploads(errors, application.version, files, need_required=False, only=wanted)
        given = {u.requirement for u in files}
        for item in notice.items:
            if item["code"] and item["code"] not in given:
                errors.add(f"materials.{item['code']}", _("“%(name)s” is still missing.") % {"name": item["name"]})
        if any(not i["code"] for i in notice.items) and not (note or "").strip():
            errors.add("note", _("Say how you corrected the points listed in the notice."))
        errors.raise_if_any(_("The supplement was not sent: please correct the errors below."))
        _materials_create(application, _files_store(checked, stored), by, supplement=notice)
        notice.answered_at = timezone.now()
        notice.answer_note = (note or "").strip()
        notice.save(update_fields=["answered_at", "answer_note"])
        if application.clock is not None and application.clock.state == ClockState.PAUSED:
            clock_resume(clock=application.clock)
        subject_clocks_resume(subject=application.subject)
        application.status = Status.IN_PROGRESS
        application.updated_at = timezone.now()
        application.save(update_fields=["status", "updated_at"])
        audit_record(action="intake.supplement.submit", actor=by, obj=application,
                     details={"notice": notice.pk, "materials": len(checked)})
        _notify_supplied(application, notice)
        return notice


@_notice
def _notify_supplied(application: Application, notice: SupplementRequest) -> None:
    notification_send(recipient=notice.requested_by,
                      subject=_("Case %(number)s: supplement received") % {"number": application.number},
                      body=_("The applicant answered your notice of %(date)s; the clock runs again.")
                      % {"date": timezone.localtime(notice.requested_at).date().isoformat()},
                      url=reverse("intake:staff_case", kwargs={"pk": application.pk}),
                      kind="intake.supplement_received", channels=["inbox"])


# --- decisions ------------------------------------------------------------------------------------------------

@transaction.atomic
def application_decide_on_spot(*, application: Application, outcome: str, opinion: str, by: Any) -> Application:
    """Decide an on-the-spot matter (即办件) at once, without a process: the clerk who took it in or a handler of
    the lead department; the opinion is required and the applicant is told."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    lead = application.version.lead_department
    allowed = application.submitted_by_id == by.pk and has_role(by, Role.WINDOW_CLERK) or (
        lead is not None and has_role(by, Role.HANDLER, Role.WINDOW_CLERK, organisation=lead))
    if not allowed:
        raise deny(by, "intake.decide_on_spot", application)
    errors = _Errors()
    if not application.version.on_the_spot:
        errors.add("__all__", _("Only on-the-spot matters (即办件) are decided at the counter."))
    elif not application.is_open or application.status == Status.AWAITING_SUPPLEMENT:
        errors.add("__all__", _("This case cannot be decided now."))
    if outcome not in (Outcome.APPROVED, Outcome.REJECTED):
        errors.add("outcome", _("Choose approve or reject."))
    opinion = (opinion or "").strip()
    if not opinion or len(opinion) > 2000:
        errors.add("opinion", _("Give an opinion (at most 2000 characters)."))
    errors.raise_if_any(_("The case was not decided: please correct the errors below."))
    department = lead or getattr(by, "organisation", None)
    decisions = [{"department": str(department or ""), "code": getattr(department, "code", ""),
                  "decision": outcome, "opinion": opinion}]
    _close(application, status=Status.DECIDED_ON_SPOT, outcome=outcome, decisions=decisions)
    audit_record(action="intake.application.decide_on_spot", actor=by, obj=application,
                 details={"outcome": outcome})
    _notify_result(application)
    return application


def _close(application: Application, *, status: str, outcome: str, decisions: list[dict[str, str]]) -> None:
    now = timezone.now()
    application.status, application.outcome, application.decisions = status, outcome, decisions
    application.decided_at = now
    application.updated_at = now
    application.save(update_fields=["status", "outcome", "decisions", "decided_at", "updated_at"])
    if application.clock is not None and application.clock.state != ClockState.STOPPED:
        clock_stop(clock=application.clock, on=max(timezone.localdate(now), application.clock.started_on))


def department_decisions(*, application: Application) -> list[dict[str, str]]:
    """Each department's decision and opinion, from its tasks on the case (completed tasks only)."""
    rows = []
    for task in tasks_of_subject(subject=application.subject, departments_only=True):
        if task.decision or task.opinion:
            rows.append({"department": str(task.organisation), "code": task.organisation.code,
                         "task": str(task.name), "decision": str(task.decision), "opinion": str(task.opinion)})
    return rows


@transaction.atomic(savepoint=False)  # called inside the last task's transaction: no savepoint round trips
def application_finish(*, application: Application, outcome: str) -> Application | None:
    """The process ended (``process_finished``): record the result and tell the applicant once, with every
    department's decision and opinion. A second signal for the same case changes nothing."""
    application = Application.objects.select_for_update(of=("self",)).select_related("clock").get(pk=application.pk)
    if not application.is_open:
        return None
    approved = outcome != Outcome.REJECTED
    _close(application, status=Status.APPROVED if approved else Status.REJECTED,
           outcome=Outcome.APPROVED if approved else Outcome.REJECTED,
           decisions=department_decisions(application=application))
    audit_record(action="intake.application.finish", obj=application, details={"outcome": application.outcome})
    _notify_result(application)
    return application


@_notice
def _notify_result(application: Application) -> None:
    verdict = _("approved") if application.outcome == Outcome.APPROVED else _("not approved")
    lines = [_("Case %(number)s (%(matter)s) was %(verdict)s.")
             % {"number": application.number, "matter": matter_name(application.version), "verdict": verdict}]
    for row in application.decisions:
        decision = {"approved": _("approved"), "rejected": _("rejected")}.get(row["decision"], row["decision"])
        line = f"- {row['department']}: {decision}"
        lines.append(f"{line} — {row['opinion']}" if row.get("opinion") else line)
    _notify(application, subject=_("Case %(number)s: result") % {"number": application.number},
            body="\n".join(lines), kind="intake.result")


@transaction.atomic
def application_withdraw(*, application: Application, reason: str, by: Any) -> Application:
    """The applicant withdraws an open case: its process is cancelled and its clock stopped."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not is_applicant_side(by, application):
        raise deny(by, "intake.withdraw", application)
    errors = _Errors()
    if not application.is_open:
        errors.add("__all__", _("This case is already closed."))
    reason = (reason or "").strip()
    if len(reason) > 500:
        errors.add("reason", _("Keep the reason under 500 characters."))
    errors.raise_if_any(_("The case was not withdrawn."))
    if not application.version.on_the_spot:
        instance = instance_of_subject(subject=application.subject)
        if instance is not None and instance.status == "running":
            process_cancel(instance=instance, reason=reason or "withdrawn by the applicant", by=by)
    application.supplement_requests.filter(answered_at__isnull=True).update(answered_at=timezone.now(),
                                                                           answer_note="(withdrawn)")
    _close(application, status=Status.WITHDRAWN, outcome=Outcome.NONE, decisions=[])
    application.decided_at = None
    application.save(update_fields=["decided_at"])
    audit_record(action="intake.application.withdraw", actor=by, obj=application, details={"reason": reason})
    return application

