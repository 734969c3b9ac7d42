"""Small pieces every cases service uses: the access check that answers like a
selector would, date rules, and the one way to note history and the access log."""

from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Model

from agencies import access
from agencies.audit import access_log_record
from cases.models import Case

# The wording of single-record rules lives with the models; services still use it.
from cases.models.rules import in_order as in_order
from cases.models.rules import not_in_future as not_in_future
from cases.models.rules import raise_if as raise_if

# A read is logged by the selectors; the apps above log theirs with it from here too.
from cases.selectors import case_log_terms
from cases.selectors import log_case_read as log_case_read
from common.errors import InvalidState, NotFound, ValidationError
from common.history import history_note


def case_action_require(actor: User, action: str, case: Case) -> None:
    """Raise NotFound if the actor may not even see the case, AccessDenied if they
    may see it but not do this."""
    if not access.can(actor, "cases.case.view", case):
        raise NotFound()
    access.require(actor, action, case)


def case_open_require(case: Case, message: str = "") -> None:
    """Every service that writes on a case, in every app, asks this first: a closed
    case takes nothing new until a supervisor reopens it. The API answers 409 naming
    the state; the pages show the message."""
    if not case.is_open:
        raise InvalidState(
            message or f"{case.reference} is closed: reopen it before recording anything on it.",
            state=case.status,
        )


def case_write_require(actor: User, action: str, case: Case) -> None:
    """Before a write on a case: the actor may do it (as `case_action_require`),
    and the case is open (as `case_open_require`)."""
    case_action_require(actor, action, case)
    case_open_require(case)


def compartment_require(actor: User, compartment: str, *, field: str) -> None:
    """A record in a compartment the actor is not cleared for does not exist for them."""
    if not access.is_cleared_for(actor, compartment):
        raise ValidationError({field: ["Choose a record you may see."]})


def record_change(instance: Model, *, actor: User | None, reason: str) -> None:
    history_note(instance, actor=actor, reason=reason)


def case_record_save(
    instance: Model,
    *,
    actor: User,
    case: Case,
    reason: str,
    action: str,
    object_type: str,
    note: str = "",
) -> None:
    """Save a record of the case with the reason in its history, and write the
    change to the access log under the record's type and id."""
    record_change(instance, actor=actor, reason=reason)
    instance.save()
    log_case_access(
        actor=actor,
        action=action,
        case=case,
        object_type=object_type,
        object_id=instance.pk,
        note=note,
    )


def record_save_once(instance: Model, *, refused: Exception) -> None:
    """Save a record a unique constraint allows once: when another request saved the
    same a moment ago, the constraint refuses this one and the caller gets `refused`."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise refused from exc


def log_case_access(
    *,
    actor: User,
    action: str,
    case: Case,
    object_type: str = "case",
    object_id: Any = None,
    note: str = "",
) -> None:
    access_log_record(
        actor=actor,
        action=action,
        object_type=object_type,
        **case_log_terms(actor=actor, case=case, object_id=object_id, note=note),
    )
