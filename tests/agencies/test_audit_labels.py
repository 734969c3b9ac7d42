"""Every action code and record type the code base writes to the access log has its
plain-English label (agencies/audit_labels.py), so the auditor never reads a raw code.

The codes are found by reading the source: every string shaped like a code
(`<area>.<thing>.<what>`), every literal `action=` given to the audit functions, the
codes built by a template (each template is listed here with what it expands to, so a
new one fails until it is), the access policy's capabilities (a refusal is logged
under the capability asked for) and the paginator's `<app>.<record type>.listed`."""

import ast
import importlib.util
import re
from pathlib import Path

import pytest
from django.apps import apps

from agencies.access import CAPABILITIES
from agencies.audit import NOT_PERSONAL_DATA, is_personal_data, record_type
from agencies.audit_labels import (
    ACTION_LABELS,
    AREAS,
    RECORD_TYPE_LABELS,
    action_choices,
    action_label,
    record_type_label,
)
from cases.models import TransferState
from intake.models import IntakeDecision
from referrals.moves import MOVES
from welfare.review_moves import REVIEW_MOVES

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "agencies",
    "calendars",
    "cases",
    "common",
    "intake",
    "records",
    "referrals",
    "safeguarding",
    "subject_access",
    "welfare",
)
AREA_NAMES = "|".join(area for area in AREAS if area != "api")
CODE = re.compile(rf"^({AREA_NAMES})\.[a-z_]+\.[a-z_]+$")
AUDIT_CALLS = {
    "access_log_record",
    "access_read_record",
    "access_denial_record",
    "access_member_record",
}

# Codes built from a template, and what each template can make.
TEMPLATES = {
    "f'cases.transfer.{state.value}'": {f"cases.transfer.{s}" for s in TransferState.values},
    "f'cases.grant.{what}'": {f"cases.grant.{what}" for what in ("created", "renewed", "revoked")},
    "f'referrals.referral.{move.event}'": {f"referrals.referral.{m.event}" for m in MOVES.values()},
    "f'intake.item.{decision}'": {f"intake.item.{d}" for d in IntakeDecision.values},
    "f'welfare.review_request.{move.name}'": {
        f"welfare.review_request.{name}" for name in REVIEW_MOVES
    },
    # The paginator's lists: checked below, by record type.
    "f'{model._meta.app_label}.{kind}.listed'": set(),
}
# Models that are never read or named as a record of their own.
NOT_RECORDS = {
    "common.idempotencyrecord",
    "cases.casereferencecounter",
    "cases.caseuserobjectpermission",
    "cases.casegroupobjectpermission",
    "cases.casepartygroupobjectpermission",
    "safeguarding.casepriority",  # named by its case
}


def _is_module_path(text: str) -> bool:
    parts = text.split(".")
    for length in (2, 3):
        try:
            if importlib.util.find_spec(".".join(parts[:length])) is not None:
                return True
        except ModuleNotFoundError:
            continue
    return False


def _source_trees():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text())


def _written():
    codes: dict[str, str] = {}
    templates: dict[str, str] = {}
    object_types: dict[str, str] = {}
    for path, tree in _source_trees():
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE.match(node.value)
                and not _is_module_path(node.value)
            ):
                codes.setdefault(node.value, where)
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg == "action" and isinstance(value, ast.JoinedStr):
                    templates.setdefault(ast.unparse(value), where)
                if (
                    keyword.arg == "action"
                    and name in AUDIT_CALLS
                    and isinstance(value, ast.Constant)
                ):
                    codes.setdefault(value.value, where)
                if keyword.arg == "object_type" and isinstance(value, ast.Constant):
                    object_types.setdefault(value.value, where)
    return codes, templates, object_types


@pytest.fixture(scope="module")
def written():
    return _written()


def test_every_code_written_has_a_label(written):
    codes, _, _ = written
    assert len(codes) > 150  # the scan found the code base's codes
    missing = {code: where for code, where in codes.items() if code not in ACTION_LABELS}
    assert missing == {}


def test_every_code_template_is_known_and_each_code_it_makes_has_a_label(written):
    _, templates, _ = written
    assert set(templates) <= set(TEMPLATES), "a new template of codes: list what it makes"
    made = set().union(*TEMPLATES.values())
    assert {code for code in made if code not in ACTION_LABELS} == set()


def test_every_refusal_names_a_capability_with_a_label():
    assert {code for code in CAPABILITIES if code not in ACTION_LABELS} == set()


def test_every_record_type_written_has_a_label(written):
    _, _, object_types = written
    named = {kind for kind in object_types if kind}
    for model in apps.get_models():
        label = model._meta.label_lower
        if (
            model._meta.app_label in APPS
            and label not in NOT_RECORDS
            and label not in NOT_PERSONAL_DATA
            and not model.__name__.startswith("Historical")
        ):
            named.add(record_type(model))
    assert {kind for kind in named if kind not in RECORD_TYPE_LABELS} == set()


def test_a_listed_code_reads_as_its_record_type():
    for model in apps.get_models():
        if model._meta.app_label in APPS and is_personal_data(model):
            kind = record_type(model)
            if kind in RECORD_TYPE_LABELS:
                code = f"{model._meta.app_label}.{kind}.listed"
                assert action_label(code) != code


def test_labels_are_plain_english():
    assert action_label("agencies.sign_in.succeeded") == "Signed in"
    assert action_label("cases.case.view") == "Request to view a case"
    assert action_label("cases.party.listed") == "Viewed the people in a case"
    assert action_label("cases.contact.listed") == "Viewed a list of records (contact)"
    assert record_type_label("party") == "Person in a case"
    for label in ACTION_LABELS.values():
        assert "." not in label and "_" not in label, label


def test_an_unknown_code_is_shown_as_itself():
    assert action_label("cases.unheard_of.done") == "cases.unheard_of.done"
    assert record_type_label("something_new") == "Something new"


def test_the_action_choices_hold_every_label_once_grouped_by_area():
    groups = action_choices()
    assert [name for name, _ in groups] == [AREAS[a] for a in AREAS]
    codes = [code for _, choices in groups for code, _ in choices]
    assert sorted(codes) == sorted(ACTION_LABELS)
