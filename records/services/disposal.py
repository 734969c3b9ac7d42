"""Disposal of a closed case at the end of its retention (docs/adr/0015).

Everything that hangs off the case, in every app, is deleted in one transaction:
the case, its parties and their records, contacts, decisions, documents, offences,
outcomes, tasks, events, identifiers, grants, assessments, flags, strategy
discussions, referrals and their messages, duties and welfare records, intake
items; the people who appear in no other record; and the simple-history rows of
all of them, which hold the same personal data. The files of its documents are
deleted from storage once the transaction has committed (a rollback keeps them;
a failure to delete one is left to the orphan sweep, cases.services.stored_files).

What stays is the tombstone, the case's `CaseRetention` row: reference, dates,
group, reviews, holds, and who decided and why. The access log is not touched:
entries naming the case keep its id and lose nothing the hash chain covers, so
`verify_audit` still passes."""

import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from agencies import access
from agencies.audit import access_log_record
from agencies.models import AccessLogEntry
from cases.models import Case, CaseStatus, Person
from common.errors import InvalidState
from common.history import history_note
from records.models import CaseRetention, RetentionState

logger = logging.getLogger(__name__)

# Apps whose records are never reached by walking down from a case: their own
# records about it (the tombstone, a subject access request) are kept, and the
# access log is append-only. A row of theirs pointing into the case stops the
# disposal (409 `referenced`) rather than being deleted or left dangling.
KEPT_APPS = frozenset({"records", "subject_access", "agencies", "auth", "contenttypes", "sessions"})
REFERENCED = "referenced"

Found = dict[type[models.Model], set[Any]]
Pointing = dict[Any, list[tuple[type[models.Model], Any]]]


def _is_history(model: type[models.Model]) -> bool:
    return hasattr(model, "instance_type") or model.__name__.startswith("Historical")


def _references() -> Pointing:
    """For each model, the (model, foreign key) pairs that point at it, live rows only."""
    pointing: Pointing = defaultdict(list)
    for model in apps.get_models(include_auto_created=True):
        if _is_history(model) or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if (
                field.is_relation
                and (field.many_to_one or field.one_to_one)
                and field.related_model is not None
            ):
                pointing[field.related_model].append((model, field))
    return pointing


def _walk(found: Found, start: type[models.Model], pks: set[Any], pointing: Pointing) -> None:
    """Add to `found` every row that points, directly or through others, at `pks` of
    `start`, except rows of KEPT_APPS (checked by `_kept_rows_refusal`)."""
    waiting = [(start, pks)]
    while waiting:
        target, keys = waiting.pop()
        for model, field in pointing.get(target, ()):
            if model._meta.app_label in KEPT_APPS:
                continue
            rows = set(
                model._base_manager.filter(**{f"{field.attname}__in": list(keys)}).values_list(
                    "pk", flat=True
                )
            )
            new = rows - found[model]
            if new:
                found[model] |= new
                waiting.append((model, new))


def _kept_rows_refusal(found: Found, pointing: Pointing, reference: str) -> None:
    for target, keys in list(found.items()):
        for model, field in pointing.get(target, ()):
            if model._meta.app_label not in KEPT_APPS or model is AccessLogEntry:
                continue
            if model._base_manager.filter(**{f"{field.attname}__in": list(keys)}).exists():
                raise InvalidState(
                    f"{reference} cannot be disposed of: a record of "
                    f"{model._meta.verbose_name} still names part of it.",
                    state=REFERENCED,
                )


def _report_identifiers_add(found: Found) -> None:
    """An intake report's identifiers name it by `report_id`, a plain UUID (the index
    of identifiers spans cases and reports, cases.models.identifier), which the walk
    by foreign keys cannot follow: the disposed case's reports take theirs along."""
    report_model = apps.get_model("intake", "IntakeReport")
    reports = found.get(report_model)
    if reports:
        identifier_model = apps.get_model("cases", "Identifier")
        found[identifier_model] |= set(
            identifier_model._base_manager.filter(report_id__in=list(reports)).values_list(
                "pk", flat=True
            )
        )


def _people_only_here(found: Found, pointing: Pointing) -> set[Any]:
    """The people of the case's parties whom no other record names (another case, a
    merge, a subject access request): they go with the case; the others stay."""
    party_model = apps.get_model("cases", "CaseParty")
    people = set(
        party_model._base_manager.filter(pk__in=list(found[party_model])).values_list(
            "person_id", flat=True
        )
    )
    kept: set[Any] = set()
    for model, field in pointing.get(Person, ()):
        rows = model._base_manager.filter(**{f"{field.attname}__in": list(people)})
        for pk, person_id in rows.values_list("pk", field.attname):
            if pk not in found.get(model, set()):
                kept.add(person_id)
    return people - kept


def _stored_names(found: Found) -> list[str]:
    names: list[str] = []
    for model, keys in found.items():
        if any(field.name == "stored_name" for field in model._meta.concrete_fields):
            names += [
                name
                for name in model._base_manager.filter(pk__in=list(keys)).values_list(
                    "stored_name", flat=True
                )
                if name
            ]
    return names


def _history_delete(found: Found) -> int:
    """Delete the simple-history rows of every record disposed of, and those of
    records deleted earlier that pointed into the case (a party removed before)."""
    deleted = 0
    for model in apps.get_models(include_auto_created=True):
        if not _is_history(model):
            continue
        original = getattr(model, "instance_type", None)
        naming = models.Q()
        if original is not None and found.get(original):
            naming |= models.Q(**{f"{original._meta.pk.attname}__in": list(found[original])})
        for field in model._meta.concrete_fields:
            target: Any = field.related_model
            if field.is_relation and (field.many_to_one or field.one_to_one) and found.get(target):
                naming |= models.Q(**{f"{field.attname}__in": list(found[target])})
        if naming:
            rows = model._base_manager.filter(naming)
            deleted += rows._raw_delete(rows.db)
    return deleted


def _guardian_generic_delete(found: Found) -> None:
    """Object permissions held in guardian's generic tables (by content type and the
    object's key as text), beside the direct ones the walk already found."""
    from guardian.models import GroupObjectPermission, UserObjectPermission

    for model, keys in found.items():
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        texts = [str(key) for key in keys]
        for permission_model in (UserObjectPermission, GroupObjectPermission):
            rows = permission_model.objects.filter(content_type=content_type, object_pk__in=texts)
            rows._raw_delete(rows.db)


def _files_delete(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            # Left for stored_files_orphans_sweep: no row names it any more.
            logger.exception("Disposal: stored file %s not deleted", name)


def case_dispose(*, actor: User, retention: CaseRetention, reason: str) -> CaseRetention:
    """Delete the case and everything hanging off it; keep the tombstone. Called by
    the review that decides it (records.services.retention), inside its
    transaction, with `retention` locked and every refusal already checked."""
    access.require(actor, "records.retention.dispose", retention)
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("owning_agency")
        .filter(pk=retention.case_id)
        .first()
    )
    if case is None or retention.state != RetentionState.SCHEDULED:
        raise InvalidState(f"{retention.reference} was disposed of.", state=RetentionState.DISPOSED)
    if case.status != CaseStatus.CLOSED:
        raise InvalidState(f"{case.reference} is open.", state=case.status)
    pointing = _references()
    found: Found = defaultdict(set)
    found[Case].add(case.pk)
    _walk(found, Case, {case.pk}, pointing)
    people = _people_only_here(found, pointing)
    if people:
        found[Person] |= people
        _walk(found, Person, people, pointing)
    _report_identifiers_add(found)
    _kept_rows_refusal(found, pointing, case.reference)
    files = _stored_names(found)
    counts = {model._meta.label_lower: len(keys) for model, keys in found.items() if keys}
    counts["history rows"] = _history_delete(found)
    _guardian_generic_delete(found)
    # Foreign keys are checked at commit (deferred on PostgreSQL and SQLite alike), so
    # the rows go in any order: PROTECT guards against deleting a case by accident,
    # through Django's collector, which this deliberate deletion does not use.
    for model, keys in found.items():
        rows = model._base_manager.filter(pk__in=list(keys))
        rows._raw_delete(rows.db)
    counts["files"] = len(files)
    access.grants_changed()
    retention.state = RetentionState.DISPOSED
    retention.disposed_at = timezone.now()
    retention.disposed_by = actor
    retention.disposal_reason = reason
    retention.disposal_counts = dict(sorted(counts.items()))
    retention.version += 1
    history_note(retention, actor=actor, reason="disposed of after review")
    retention.save()
    # The disposal names the case by the id every earlier entry about it used.
    access_log_record(
        actor=actor,
        action="records.case.disposed",
        object_type="case",
        object_id=retention.case_id,
        object_agency_slug=retention.agency.slug,
        justification=f"{access.justification_for(actor, retention)}; "
        f"disposed of under {retention.rule.code}",
    )
    transaction.on_commit(lambda: _files_delete(files))
    return retention
