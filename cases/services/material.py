"""The material summary (metadata only) and how activist-group evidence was obtained.

Tideline never holds abuse material. The summary takes counts, reference numbers
and hashes as text, each checked against a strict shape, so that nothing which
looks like file content (a base64 blob, a URL, a data URI) can be stored here.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from cases.models import ActivistEvidence, Case, CaseSource, MaterialSummary
from cases.services.common import case_record_save, case_write_require, not_in_future, raise_if
from common.api.concurrency import version_check
from common.errors import (
    InvalidState,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ValidationError,
)

# More than any seizure on record: a larger number is a typing mistake.
MAX_COUNT = 10_000_000
# A long list of hashes belongs in the case file (by its reference), not on screen.
MAX_HASHES = 1_000
MAX_REFERENCE_LENGTH = 100

# The hexadecimal length of each algorithm's digest.
HASH_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64}
HASH_NAMES = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256"}
_ARTICLE = {"md5": "an", "sha1": "a", "sha256": "a"}
ALGORITHM_BY_LENGTH = {length: algorithm for algorithm, length in HASH_LENGTHS.items()}

_HEX = re.compile(r"^[0-9a-f]+$")
_REFERENCE = re.compile(r"^[A-Za-z0-9\-_/. ]*$")
_WHITESPACE = re.compile(r"\s+")


class HashProblem(ValueError):
    """One hash is not of a known shape; the message says what is wrong."""


def hash_algorithm_normalise(algorithm: object) -> str:
    """Names as people write them: SHA-256, sha256 and Sha256 are one algorithm."""
    if not isinstance(algorithm, str):
        raise HashProblem("give the algorithm: md5, sha1 or sha256.")
    name = algorithm.strip().lower().replace("-", "").replace("_", "")
    if name not in HASH_LENGTHS:
        raise HashProblem("the algorithm must be one of md5, sha1 or sha256.")
    return name


def hex_normalise(value: object) -> str:
    """Lowercase hexadecimal text with whitespace removed, of any length."""
    if not isinstance(value, str):
        raise HashProblem("give the hash as text.")
    hex_value = _WHITESPACE.sub("", value).lower()
    if not hex_value:
        raise HashProblem("enter the hash value.")
    if not _HEX.match(hex_value):
        raise HashProblem("a hash is written in hexadecimal characters (0 to 9 and a to f) only.")
    return hex_value


def hash_value_normalise(algorithm: str, value: object) -> str:
    """Lowercase hex of exactly the algorithm's length, with whitespace removed."""
    hex_value = hex_normalise(value)
    expected = HASH_LENGTHS[algorithm]
    if len(hex_value) != expected:
        raise HashProblem(
            f"{_ARTICLE[algorithm]} {HASH_NAMES[algorithm]} hash is {expected} hexadecimal "
            f"characters; this has {len(hex_value)}."
        )
    return hex_value


def hash_normalise(entry: object) -> dict[str, Any]:
    """One {"algorithm", "value"} entry, normalised, or HashProblem."""
    if not isinstance(entry, Mapping) or set(entry) != {"algorithm", "value"}:
        raise HashProblem('give an "algorithm" and a "value", and nothing else.')
    algorithm = hash_algorithm_normalise(entry["algorithm"])
    return {"algorithm": algorithm, "value": hash_value_normalise(algorithm, entry["value"])}


def hashes_clean(hashes: Iterable[Any]) -> list[dict[str, Any]]:
    """Every hash normalised, or a ValidationError naming each bad one by its
    position (counted from 1, as a person reads a list)."""
    if isinstance(hashes, str | bytes | Mapping) or not isinstance(hashes, Iterable):
        raise ValidationError({"hashes": ["Give a list of hashes."]})
    entries = list(hashes)
    if len(entries) > MAX_HASHES:
        raise ValidationError(
            {
                "hashes": [
                    f"Record at most {MAX_HASHES:,} hashes here; this has {len(entries):,}. "
                    "Keep the full list in the case file and give its reference."
                ]
            }
        )
    problems: list[str] = []
    cleaned: list[dict[str, Any]] = []
    first_seen: dict[tuple[str, str], int] = {}
    for position, entry in enumerate(entries, start=1):
        try:
            normalised = hash_normalise(entry)
        except HashProblem as problem:
            problems.append(f"Hash {position}: {problem}")
            continue
        key = (normalised["algorithm"], normalised["value"])
        if key in first_seen:
            problems.append(f"Hash {position}: the same as hash {first_seen[key]}.")
            continue
        first_seen[key] = position
        cleaned.append(normalised)
    if problems:
        raise ValidationError({"hashes": problems})
    return cleaned


def _count_errors(name: str, value: object, errors: dict[str, list[str]]) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors[name] = ["Enter a whole number, 0 or more."]
    elif value > MAX_COUNT:
        errors[name] = [f"Must be at most {MAX_COUNT:,}: check the number."]


def _reference_clean(name: str, value: object, errors: dict[str, list[str]]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = ["Enter the reference as text."]
        return ""
    reference = value.strip()
    if len(reference) > MAX_REFERENCE_LENGTH:
        errors[name] = [f"Must be at most {MAX_REFERENCE_LENGTH} characters."]
    elif not _REFERENCE.match(reference):
        errors[name] = ["Use only letters, digits, spaces, and - _ / or . in a reference."]
    return reference


def _material_require(actor: User, case: Case) -> None:
    case_write_require(actor, "cases.material.change", case)
    # The material compartment does not exist for anyone not cleared for it.
    if not access.is_cleared_for(actor, "material"):
        raise NotFound()


def _lock_for_put(model: Any, case: Case, expected_version: int | None) -> Any:
    """The record to change, locked, or None to create one. The case row is locked
    first, so two first PUTs cannot both create."""
    Case.objects.select_for_update().filter(pk=case.pk).first()
    existing = model.objects.select_for_update().filter(case=case).first()
    if existing is None:
        if expected_version not in (None, 0):
            raise PreconditionFailed(current_version=0)
        return None
    if expected_version is None:
        raise PreconditionRequired()
    version_check(existing, expected_version)
    return existing


@transaction.atomic
def material_summary_put(
    *,
    actor: User,
    case: Case,
    expected_version: int | None,
    category_a_count: int,
    category_b_count: int,
    category_c_count: int,
    first_generation: bool | None,
    caid_reference: str = "",
    ncmec_report_id: str = "",
    nca_package_reference: str = "",
    hashes: Iterable[Any] = (),
    reason: str = "",
) -> MaterialSummary:
    """Record or replace the case's material summary. The first PUT creates it
    (with no expected version, or 0); later ones must name the version they read."""
    _material_require(actor, case)
    summary: MaterialSummary | None = _lock_for_put(MaterialSummary, case, expected_version)
    errors: dict[str, list[str]] = {}
    counts = {
        "category_a_count": category_a_count,
        "category_b_count": category_b_count,
        "category_c_count": category_c_count,
    }
    for name, value in counts.items():
        _count_errors(name, value, errors)
    if first_generation is not None and not isinstance(first_generation, bool):
        errors["first_generation"] = ["Answer yes, no, or not known."]
    references = {
        name: _reference_clean(name, value, errors)
        for name, value in (
            ("caid_reference", caid_reference),
            ("ncmec_report_id", ncmec_report_id),
            ("nca_package_reference", nca_package_reference),
        )
    }
    try:
        cleaned_hashes = hashes_clean(hashes)
    except ValidationError as error:
        errors.update(error.message_dict)
    raise_if(errors)

    creating = summary is None
    if summary is None:
        summary = MaterialSummary(case=case, version=1)
    else:
        summary.version += 1
    for name, field_value in {**counts, **references}.items():
        setattr(summary, name, field_value)
    summary.first_generation = first_generation
    summary.hashes = cleaned_hashes
    summary.updated_by = actor
    summary.full_clean()
    default_reason = "material summary recorded" if creating else "material summary changed"
    case_record_save(
        summary,
        actor=actor,
        case=case,
        reason=reason.strip() or default_reason,
        action="cases.material.changed",
        object_type="material_summary",
        note=reason.strip(),
    )
    return summary


_ACTIVIST_TEXT_FIELDS = {
    "group_name": "Enter the name of the group.",
    "handed_over": "Say what the group handed over.",
    "chain_of_custody": "Describe the chain of custody.",
    "suspect_alerted_risk": "Describe the risk that the suspect was alerted.",
}
_GROUP_NAME_MAX_LENGTH = 200


@transaction.atomic
def activist_evidence_put(
    *,
    actor: User,
    case: Case,
    expected_version: int | None,
    group_name: str,
    decoy_posed_as_child: bool,
    suspect_confronted: bool,
    confrontation_streamed_live: bool,
    handed_over: str,
    handed_over_at: datetime,
    chain_of_custody: str,
    suspect_alerted_risk: str,
    reason: str = "",
) -> ActivistEvidence:
    """Record or replace how an online activist group obtained its evidence (the
    report's Recommendation 12). Only for a case that came from such a group."""
    case_write_require(actor, "cases.case.change", case)
    if case.source != CaseSource.ACTIVIST_GROUP:
        raise InvalidState(
            "Activist-group evidence is recorded only for a case whose source is an "
            "online activist group.",
            state=case.source,
        )
    evidence: ActivistEvidence | None = _lock_for_put(ActivistEvidence, case, expected_version)
    errors: dict[str, list[str]] = {}
    given = {
        "group_name": group_name,
        "handed_over": handed_over,
        "chain_of_custody": chain_of_custody,
        "suspect_alerted_risk": suspect_alerted_risk,
    }
    texts = {name: value.strip() if isinstance(value, str) else "" for name, value in given.items()}
    for name, text in texts.items():
        if not text:
            errors[name] = [_ACTIVIST_TEXT_FIELDS[name]]
    if len(texts["group_name"]) > _GROUP_NAME_MAX_LENGTH:
        errors["group_name"] = [f"Must be at most {_GROUP_NAME_MAX_LENGTH} characters."]
    answers = {
        "decoy_posed_as_child": decoy_posed_as_child,
        "suspect_confronted": suspect_confronted,
        "confrontation_streamed_live": confrontation_streamed_live,
    }
    for name, value in answers.items():
        if not isinstance(value, bool):
            errors[name] = ["Answer yes or no."]
    if confrontation_streamed_live is True and suspect_confronted is False:
        errors["confrontation_streamed_live"] = [
            "A confrontation that did not happen cannot have been streamed: answer no here, "
            "or say that the suspect was confronted."
        ]
    if not isinstance(handed_over_at, datetime) or timezone.is_naive(handed_over_at):
        errors["handed_over_at"] = ["Enter the date and time the evidence was handed over."]
    else:
        not_in_future(handed_over_at, "handed_over_at", errors)
    raise_if(errors)

    creating = evidence is None
    if evidence is None:
        evidence = ActivistEvidence(case=case, version=1)
    else:
        evidence.version += 1
    for name, field_value in {**texts, **answers}.items():
        setattr(evidence, name, field_value)
    evidence.handed_over_at = handed_over_at
    evidence.updated_by = actor
    evidence.full_clean()
    default_reason = (
        "activist-group evidence recorded" if creating else "activist-group evidence changed"
    )
    case_record_save(
        evidence,
        actor=actor,
        case=case,
        reason=reason.strip() or default_reason,
        action="cases.activist_evidence.changed",
        object_type="activist_evidence",
        note=reason.strip(),
    )
    return evidence
