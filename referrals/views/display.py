"""How a referral reads on the pages: the disclosure snapshot in words (exactly what
it holds, nothing looked up from the live case), and its deadlines against the
working-day calendar."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from django.utils import timezone
from django.utils.dateparse import parse_date

from agencies.working_days import working_days_between, working_days_late
from cases.models import ContactChannel, PartyRole
from cases.models.person import Gender
from common.dates import day_text
from referrals.disclosure import DISCLOSABLE_FIELDS
from referrals.forms import FIELD_LABELS
from referrals.models import (
    ConsentStatus,
    LawfulBasis,
    Referral,
    ReferralPurpose,
    ReferralState,
    SensitiveCondition,
    Urgency,
)

_SAFE_TO = {"safe_to_phone", "safe_to_write", "safe_to_visit"}
_CHOICE_LABELS = {
    "gender": dict(Gender.choices),
    "preferred_channel": dict(ContactChannel.choices),
}
URGENCY_TAG_COLOURS: dict[str, str] = {
    Urgency.IMMEDIATE: "red",
    Urgency.URGENT: "orange",
    Urgency.ROUTINE: "blue",
}
STATE_TAG_COLOURS: dict[str, str] = {
    ReferralState.DRAFT: "grey",
    ReferralState.SENT: "blue",
    ReferralState.ACCEPTED: "turquoise",
    ReferralState.DECLINED: "red",
    ReferralState.RETURNED: "yellow",
    ReferralState.IN_PROGRESS: "light-blue",
    ReferralState.COMPLETED: "green",
    ReferralState.WITHDRAWN: "grey",
}


def _label(choices, value) -> str:
    return dict(choices).get(value, str(value or "").replace("_", " "))


def field_value(name: str, value) -> str:
    """One shared field in words. A yes/no that was never asked is "Not asked",
    never "No"."""
    if value is None or value == "":
        return "Not asked" if name in _SAFE_TO else "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "date_of_birth" and isinstance(value, str):
        day = parse_date(value)
        return day_text(day) if day else value
    if name in _CHOICE_LABELS:
        return _CHOICE_LABELS[name].get(value, str(value))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _field_order(name: str) -> tuple[int, str]:
    try:
        return DISCLOSABLE_FIELDS.index(name), name
    except ValueError:
        return len(DISCLOSABLE_FIELDS), name


def _party_view(index: int, party: dict) -> dict:
    fields = party.get("fields") or {}
    name = " ".join(
        str(fields[part]) for part in ("first_name", "last_name") if fields.get(part)
    ).strip()
    role = _label(PartyRole.choices, party.get("role", ""))
    return {
        "party_id": str(party.get("party_id", "")),
        "heading": name or f"Person {index} (name not shared)",
        "role_label": role,
        # jsonb keeps no key order: the fields read in the form's order.
        # jsonb keeps no key order (PostgreSQL): the fields read in the form's order.
        "rows": [
            {
                "label": FIELD_LABELS.get(key, key.replace("_", " ").capitalize()),
                "value": field_value(key, fields[key]),
            }
            for key in sorted(fields, key=_field_order)
        ],
    }


def _consent_view(consent) -> dict | None:
    if not consent:
        return None
    if isinstance(consent, str):
        return {"status_label": _label(ConsentStatus.choices, consent), "rows": []}
    rows = []
    given_on = consent.get("given_on")
    if given_on:
        day = parse_date(str(given_on))
        rows.append(("Given on", day_text(day) if day else given_on))
    for key, label in (("how", "How"), ("given_by", "Given by"), ("reason", "Reason")):
        if consent.get(key):
            rows.append((label, consent[key]))
    return {"status_label": _label(ConsentStatus.choices, consent.get("status", "")), "rows": rows}


def _grade(sender_grade) -> str:
    if isinstance(sender_grade, dict):
        parts = [sender_grade.get(key) for key in ("label", "name", "code", "grade")]
        return next((str(part) for part in parts if part), "")
    return str(sender_grade or "")


def disclosure_view(snapshot: dict | None) -> dict | None:
    """The snapshot as the receiver reads it. Only what it holds is shown."""
    if not snapshot:
        return None
    risk = snapshot.get("risk")
    return {
        "from_agency": (snapshot.get("from_agency") or {}).get("name", ""),
        "sender": (snapshot.get("sender") or {}).get("full_name", ""),
        "sent_at": _moment(snapshot.get("sent_at")),
        "purpose_label": _label(ReferralPurpose.choices, snapshot.get("purpose")),
        "urgency": snapshot.get("urgency", ""),
        "urgency_label": _label(Urgency.choices, snapshot.get("urgency")),
        "case_reference": snapshot.get("case_reference", ""),
        "summary": snapshot.get("summary", ""),
        "parties": [
            _party_view(index, party)
            for index, party in enumerate(snapshot.get("parties") or [], start=1)
        ],
        "risk": {
            "shared_level": (risk.get("shared_level") or "unknown"),
            "sender_grade": _grade(risk.get("sender_grade")),
        }
        if risk
        else None,
        "flags": [
            {
                "label": flag.get("label") or _label((), flag.get("kind")),
                "person": flag.get("person", ""),
                "reason": flag.get("reason", ""),
            }
            for flag in snapshot.get("flags") or []
        ],
        "lawful_basis_label": _label(LawfulBasis.choices, snapshot.get("lawful_basis")),
        "sensitive_condition_label": _label(
            SensitiveCondition.choices, snapshot.get("sensitive_condition")
        ),
        "consent": _consent_view(snapshot.get("consent")),
        "suspect_details_reason": snapshot.get("suspect_details_reason", ""),
    }


def _moment(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


# --- Deadlines


@dataclass
class Deadline:
    label: str
    due_at: datetime
    open: bool  # still running: it can yet be missed
    met_at: datetime | None = None
    overdue: bool = False
    working_days_late: int = 0

    @property
    def met(self) -> bool:
        return self.met_at is not None

    @property
    def met_late(self) -> bool:
        return self.met_at is not None and self.met_at > self.due_at


_TAKEN_ON = (ReferralState.ACCEPTED, ReferralState.IN_PROGRESS, ReferralState.COMPLETED)
_ENDED = (ReferralState.DECLINED, ReferralState.COMPLETED, ReferralState.WITHDRAWN)


def referral_deadlines(referral: Referral, *, now: datetime | None = None) -> list[Deadline]:
    """The referral's stored deadlines, each running, late, met or met late (a
    deadline met after it passed says so: it is not simply "met")."""
    now = now or timezone.now()
    state = referral.state
    # The referral's row says when its last child was decided (`threshold_due_at` is
    # the earliest child's still owed): each child's own is on the referral page.
    threshold_met = referral.threshold_decided_at
    # Each deadline the referral has: its words, when it is due, whether it is still
    # open and when it was met.
    stored = (
        (
            "Accept or decline by",
            referral.decision_due_at,
            state == ReferralState.SENT,
            referral.decided_at if state != ReferralState.WITHDRAWN else None,
        ),
        (
            "Threshold decision by",
            referral.threshold_due_at,
            threshold_met is None and state not in (*_ENDED, ReferralState.RETURNED),
            threshold_met,
        ),
        (
            "Victims' Code: support offered by",
            referral.victim_support_due_at,
            state == ReferralState.SENT,
            referral.decided_at if state in _TAKEN_ON else None,
        ),
    )
    deadlines = [
        Deadline(label, due_at, open=still_open, met_at=met_at)
        for label, due_at, still_open, met_at in stored
        if due_at
    ]
    if referral.stale_at and state in (ReferralState.ACCEPTED, ReferralState.IN_PROGRESS):
        deadlines.append(Deadline("Next update due by", referral.stale_at, open=True))
    today = timezone.localdate(now)
    late_ones = [d for d in deadlines if d.open and not d.met and d.due_at < now]
    lateness = working_days_late({timezone.localdate(d.due_at) for d in late_ones}, today)
    for deadline in late_ones:
        deadline.overdue = True
        deadline.working_days_late = lateness[timezone.localdate(deadline.due_at)]
    for deadline in deadlines:
        if deadline.met_late:
            deadline.working_days_late = working_days_between(
                timezone.localdate(deadline.due_at), timezone.localdate(deadline.met_at)
            )
    return deadlines


def inbox_due(referral: Referral) -> tuple[str, datetime | None]:
    """The one deadline a list row shows: the first of those the receiver still owes."""
    owed: list[tuple[datetime, str]] = []
    waiting = (ReferralState.SENT, ReferralState.ACCEPTED, ReferralState.IN_PROGRESS)
    threshold_owed = referral.threshold_due_at and referral.threshold_decided_at is None
    if referral.state in waiting and threshold_owed:
        owed.append((cast(datetime, referral.threshold_due_at), "Threshold decision"))
    if referral.state == ReferralState.SENT:
        if referral.decision_due_at:
            owed.append((referral.decision_due_at, "Accept or decline"))
        if referral.victim_support_due_at:
            owed.append((referral.victim_support_due_at, "Victims' Code: support offered"))
    elif referral.state in (ReferralState.ACCEPTED, ReferralState.IN_PROGRESS):
        if referral.stale_at:
            owed.append((referral.stale_at, "Next update"))
    elif referral.state == ReferralState.RETURNED:
        return "Returned with a question", None
    if not owed:
        return "", None
    due_at, label = min(owed)
    return label, due_at


def list_rows(referrals: list[Referral], *, now: datetime | None = None) -> list[dict]:
    """Rows for the inbox and the sent list: each with its next deadline and how many
    working days late it is, the calendar read once for the whole page."""
    now = now or timezone.now()
    rows: list[dict[str, Any]] = []
    for referral in referrals:
        due_label, due_at = inbox_due(referral)
        rows.append(
            {
                "referral": referral,
                "due_label": due_label,
                "due_at": due_at,
                "overdue": due_at is not None and due_at < now,
                "urgency_colour": URGENCY_TAG_COLOURS.get(referral.urgency, "grey"),
                "state_colour": STATE_TAG_COLOURS.get(referral.state, "grey"),
            }
        )
    late_days: set[date] = {timezone.localdate(row["due_at"]) for row in rows if row["overdue"]}
    lateness = working_days_late(late_days, timezone.localdate(now))
    for row in rows:
        row["working_days_late"] = (
            lateness[timezone.localdate(row["due_at"])] if row["overdue"] else 0
        )
    return rows
