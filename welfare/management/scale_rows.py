"""The national dataset of `seed_scale`: per case, in the proportions of issue 15
(per 1,000,000 cases: 5M persons and parties, 5M contacts, 500k assessments, 200k
referrals, 280k duties), spread over the demo agencies so that the demo users see
large scopes. Values come from fixed lists and one seeded random generator: the
same --seed gives the same data, and no per-row library call is paid."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


FIRST_NAMES = _words(
    "Oliver George Harry Noah Jack Leo Arthur Muhammad Oscar Charlie Jacob Thomas Henry "
    "Freddie Alfie Theo William Theodore Archie Joshua Alexander James Isaac Edward Lucas "
    "Tommy Finley Max Logan Ethan Mohammed Teddy Benjamin Arlo Joseph Sebastian Harrison "
    "Elijah Adam Daniel Samuel Louie Mason Reuben Albie Rory Jaxon Hugo Luca Zachary Reggie "
    "Olivia Amelia Isla Ava Ivy Freya Lily Florence Mia Willow Rosie Sophia Isabella Grace "
    "Daisy Sienna Poppy Elsie Emily Ella Evelyn Phoebe Sofia Evie Charlotte Harper Millie "
    "Matilda Maya Sophie Alice Emilia Isabelle Ruby Luna Maisie Aria Chloe Ellie Mila Layla "
    "Eliza Violet Esme Hannah Bonnie Jessica Imogen Penelope Zara Aisha Priya Niamh Siobhan "
    "Gareth Rhys Cerys Ffion Callum Kieran Declan Aoife Kwame Ama Tunde Chidi Yusuf Fatima "
    "Wiktor Zofia Andrei Ioana Mehmet Elif Ravi Anjali Tariq Sana Jamal Nia Dylan Megan"
)
LAST_NAMES = _words(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel "
    "Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison "
    "Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths "
    "Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox "
    "Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster "
    "Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer "
    "Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray "
    "Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart "
    "Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson "
    "Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant "
    "Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory "
    "Carr Lowe Page Marsh Riley Dunn Woods Kowalski Nowak Popescu Yilmaz Okafor Mensah "
    "Adeyemi Chowdhury Rahman Iqbal Nguyen Chen"
)
STREETS = _words(
    "High Street|Station Road|Church Lane|Mill Lane|Victoria Road|Park Avenue|Queen "
    "Street|Harbour View|Fictional Row|Kings Road|Chapel Street|Orchard Close|Meadow Way",
    sep="|",
)
TOWNS = ("Northtown", "Southport Vale", "Eastmere", "Westbridge", "Harbourside", "Millford")
TITLES = (
    "Indecent images shared on a messaging app",
    "Online grooming through a gaming platform",
    "Sextortion of a teenager by an overseas account",
    "Industry report of uploaded indecent images",
    "Child persuaded to share images on social media",
    "Livestreamed abuse reported by a parent",
    "Adult posing as a child in a chat room",
    "School report of images shared between pupils",
    "Helpline report of online sexual contact",
    "Proactive identification of an offender's account",
)
CONTACT_SUMMARIES = (
    "Phoned to give an update on the investigation.",
    "Visited at home with a colleague from children's services.",
    "Sent a letter confirming the named point of contact.",
    "They called to ask about the next steps.",
    "Video call to agree the support plan.",
    "Left a voicemail; will try again tomorrow.",
)
CASE_SOURCES = (
    "nca_industry_report",
    "nca_industry_report",
    "victim_or_parent",
    "school",
    "helpline",
    "proactive",
    "other_agency",
)
CHANNELS = ("phone", "phone", "visit", "letter", "email", "text", "video")
LEVELS = ("low", "medium", "medium", "high", "critical", "unknown")
LEVEL_RANK = {"critical": 0, "high": 1, "unknown": 2, "medium": 3, "low": 4}
# The shares of a referral's states, as a national system would hold them after years.
REFERRAL_STATES = (
    ("sent", 25),
    ("accepted", 15),
    ("in_progress", 15),
    ("completed", 30),
    ("declined", 7),
    ("withdrawn", 3),
    ("draft", 5),
)
GRANTING_STATES = frozenset({"accepted", "in_progress", "completed"})
PURPOSE_FOR = {
    "northshire-mash": "safeguarding",
    "northshire-childrens-services": "safeguarding",
    "harbour-victim-support": "victim_support",
    "lighthouse-family-support": "family_support",
}
GRANTED_ON_ACCEPTANCE = frozenset({"northshire-mash", "northshire-childrens-services"})

# Who owns the cases (share of all cases), how often each owner refers a case, and
# to whom (the shares add up to 1,000,000 cases -> ~200,000 referrals).
OWNERS = (
    ("northshire-police", 60),
    ("southshire-police", 25),
    ("northshire-childrens-services", 10),
    ("northshire-mash", 5),
)
REFERRAL_CHANCE = {
    "northshire-police": 0.25,
    "southshire-police": 0.12,
    "northshire-childrens-services": 0.2,
    "northshire-mash": 0.0,
}
REFERRED_TO = {
    "northshire-police": (
        ("northshire-mash", 50),
        ("harbour-victim-support", 30),
        ("lighthouse-family-support", 10),
        ("northshire-childrens-services", 10),
    ),
    "southshire-police": (("harbour-victim-support", 100),),
    "northshire-childrens-services": (
        ("northshire-mash", 50),
        ("harbour-victim-support", 25),
        ("lighthouse-family-support", 25),
    ),
}
# Duties are the police's: 280,000 per 1,000,000 cases, on the 85% the forces own.
DUTY_CHANCE = 0.28 / 0.85
DUTY_KINDS = (("victim_update", 70), ("welfare_contact", 15), ("family_pack", 15))
DUTY_COMPARTMENT = {
    "victim_update": "victim",
    "welfare_contact": "suspect",
    "family_pack": "family",
}
# The demo users who lead each force's cases (the share of its cases each leads).
LEADS = {
    "northshire-police": (
        ("officer.north", "response-north", 40),
        ("investigator.north", "online-csa", 30),
        ("supervisor.north", "online-csa", 10),
        (None, None, 20),
    ),
    "southshire-police": (
        ("officer.south", "response-south", 50),
        ("investigator.south", "online-csa", 30),
        (None, None, 20),
    ),
    "northshire-childrens-services": (("social.worker", "assessment", 80), (None, None, 20)),
    "northshire-mash": (("coordinator.mash", "front-door", 80), (None, None, 20)),
}
# The first year of the data: references and dates spread from it to today.
FIRST_DAY = date(2021, 1, 1)


def weighted(choices: tuple) -> list:
    """A list to draw from with rng.choice, each item repeated by its weight."""
    return [item[:-1] if len(item) > 2 else item[0] for item in choices for _ in range(item[-1])]


def name_pool(rng: random.Random, names: tuple[str, ...], joined: float) -> list[str]:
    """Names drawn as a population has them: a few common (the first of the list, about
    1.5% each), most rare (a share `joined` double-barrelled, so that a search by a
    rare name finds a handful, as it would nationally). Drawn once: a row then takes
    one with a single rng.choice."""
    weights = [1 / (rank + 30) for rank in range(len(names))]
    pool = rng.choices(names, weights=weights, k=20_000)
    for index in range(int(len(pool) * joined)):
        pool[index] = f"{pool[index]}-{rng.choice(names)}"
    return pool


@dataclass
class World:
    """What the seed looks up once: agencies, teams, users, permissions, counters."""

    agency: dict[str, Any]  # slug -> Agency
    team: dict[tuple[str, str], Any]  # (agency slug, team slug) -> Team id
    user: dict[str, int]  # username -> user id
    staff: dict[str, list[int]]  # agency slug -> ids of its caseworkers
    view_case_perm: int
    view_whole_perm: int
    counters: dict[tuple[str, int], int]  # (agency slug, year) -> last number used
    today: date = field(default_factory=timezone.localdate)


class Generator:
    def __init__(self, world: World, seed: int | str) -> None:
        self.world = world
        self.rng = random.Random(seed)  # noqa: S311 (data, not secrets)
        self.owners = weighted(OWNERS)
        self.referred_to = {slug: weighted(t) for slug, t in REFERRED_TO.items()}
        self.leads = {slug: weighted(t) for slug, t in LEADS.items()}
        self.states = weighted(REFERRAL_STATES)
        self.duty_kinds = weighted(DUTY_KINDS)
        self.days = (world.today - FIRST_DAY).days
        self.tz = timezone.get_current_timezone()
        self.first_names = name_pool(self.rng, FIRST_NAMES, 0.0)
        self.last_names = name_pool(self.rng, LAST_NAMES, 0.3)

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def moment(self, day: date, *, hour_from: int = 8, hour_to: int = 19) -> datetime:
        rng = self.rng
        clock = time(rng.randint(hour_from, hour_to - 1), rng.randint(0, 59), rng.randint(0, 59))
        return datetime.combine(day, clock, tzinfo=self.tz)

    def after(self, day: date, most: int) -> date:
        return min(day + timedelta(days=self.rng.randint(0, most)), self.world.today)

    # --- one case and everything that hangs off it

    def case(self, out: dict[str, Any]) -> None:
        rng, world = self.rng, self.world
        owner = rng.choice(self.owners)
        agency = world.agency[owner]
        received = FIRST_DAY + timedelta(days=int(self.days * rng.random() ** 0.7))
        year = received.year
        number = world.counters.get((owner, year), 0) + 1
        world.counters[(owner, year)] = number
        (
            lead_name,
            team_slug,
        ) = rng.choice(self.leads[owner])
        lead = world.user[lead_name] if lead_name else None
        team = world.team.get((owner, team_slug)) if team_slug else None
        author = lead or rng.choice(world.staff[owner])
        closed = received < world.today - timedelta(days=120) and rng.random() < 0.7
        closed_on = self.after(received, 400) if closed else None
        case_id = self.uuid()
        created = self.moment(received)
        source = rng.choice(CASE_SOURCES)
        prefix = agency.case_reference_prefix or owner[:4].upper()
        reference = f"{prefix}-{year}-{number:06d}"
        out["case"].add(
            {
                "id": case_id,
                "owning_agency_id": agency.pk,
                "reference": reference,
                "title": rng.choice(TITLES),
                "summary": "Recorded for the national-scale benchmark.",
                "status": "closed" if closed else "open",
                "closing_reason": rng.choice(("outcome_recorded", "no_crime")) if closed else "",
                "lead_officer_id": lead,
                "team_id": team,
                "source": source,
                "source_reference": f"NCMEC-{rng.randint(10**7, 10**8 - 1)}"
                if source == "nca_industry_report"
                else "",
                "received_on": received,
                "opened_on": received,
                "closed_on": closed_on,
                "created_by_id": author,
                "created_at": created,
                "updated_at": created,
            }
        )
        parties = self._parties(out, case_id, agency.pk, author, created)
        self._contacts(out, case_id, parties, received, author, owner)
        level = self._assessment(out, case_id, parties, received, author, agency)
        due = self.moment(self.after(received, 10), hour_from=17, hour_to=18)
        actioned = closed or rng.random() < 0.95
        out["priority"].add(
            {
                "case_id": case_id,
                "agency_id": agency.pk,
                "level": level,
                "level_rank": LEVEL_RANK[level],
                "band": 0 if level == "critical" else 1,
                "agency_grade": "",
                "received_on": received,
                "action_due_at": due,
                "actioned_at": due - timedelta(hours=rng.randint(1, 48)) if actioned else None,
            }
        )
        if rng.random() < REFERRAL_CHANCE[owner]:
            self._referral(out, case_id, owner, parties, received, author, level, reference)
        if owner.endswith("-police") and rng.random() < DUTY_CHANCE:
            self._duty(out, case_id, owner, parties, received, lead, team)
        out["cases_made"].append((case_id, owner, lead))

    def _parties(self, out, case_id, agency_id, author, created) -> dict[str, tuple]:
        rng = self.rng
        roles = (
            "victim",
            "suspect",
            rng.choice(("family_member", "victim")),
            "child_in_household",
            rng.choice(("witness", "referrer")),
        )
        compartments = {
            "victim": "victim",
            "suspect": "suspect",
            "family_member": "family",
            "child_in_household": "family",
            "witness": "case",
            "referrer": "case",
        }
        parties: dict[str, tuple] = {}
        suspect_party = None
        for role in roles:
            person_id, party_id = self.uuid(), self.uuid()
            first, last = rng.choice(self.first_names), rng.choice(self.last_names)
            child = role in ("victim", "child_in_household")
            age = rng.randint(8, 17) if child else rng.randint(19, 70)
            born = self.world.today - timedelta(days=age * 365 + rng.randint(0, 364))
            out["person"].add(
                {
                    "id": person_id,
                    "recorded_by_agency_id": agency_id,
                    "first_name": first,
                    "last_name": last,
                    "aliases": f"{first[0]}. {last}" if rng.random() < 0.05 else "",
                    "date_of_birth": born,
                    "gender": rng.choice(("female", "male", "female", "male", "not_known")),
                    "address": f"{rng.randint(1, 220)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}",
                    "phone": f"07700 9{rng.randint(0, 99999):05d}",
                    "created_by_id": author,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            out["party"].add(
                {
                    "id": party_id,
                    "case_id": case_id,
                    "person_id": person_id,
                    "role": role,
                    "compartment": compartments[role],
                    "related_to_id": suspect_party
                    if role in ("family_member", "child_in_household")
                    else None,
                    "relationship": "Child" if role == "child_in_household" else "",
                    "created_by_id": author,
                    "created_at": created,
                }
            )
            if role == "suspect":
                suspect_party = party_id
            parties.setdefault(role, (party_id, first, last, age))
        return parties

    def _contacts(self, out, case_id, parties, received, author, owner) -> None:
        rng = self.rng
        ids = [p[0] for p in parties.values()]
        for _ in range(5):
            at = self.moment(self.after(received, 300))
            out["contact"].add(
                {
                    "id": self.uuid(),
                    "case_id": case_id,
                    "party_id": parties["victim"][0] if rng.random() < 0.6 else rng.choice(ids),
                    "contacted_at": at,
                    "channel": rng.choice(CHANNELS),
                    "direction": "outbound" if rng.random() < 0.8 else "inbound",
                    "made_by_id": author,
                    "summary": rng.choice(CONTACT_SUMMARIES),
                    "created_at": at,
                }
            )

    def _assessment(self, out, case_id, parties, received, author, agency) -> str:
        rng = self.rng
        level = rng.choice(LEVELS)
        if rng.random() >= 0.5:
            return "unknown"
        police = agency.kind == "police"
        template = self.templates["victim_needs" if police else "child_safeguarding_concern"]
        answers = {
            f.key: {"answer": rng.choice(("yes", "no", "unknown")), "note": ""}
            for f in template.factors
        }
        known = sum(1 for a in answers.values() if a["answer"] != "unknown")
        at = self.moment(self.after(received, 20))
        out["assessment"].add(
            {
                "id": self.uuid(),
                "case_id": case_id,
                "subject_id": parties["victim"][0],
                "template_key": template.key,
                "template_version": template.version,
                "answers": answers,
                "computed_level": level,
                "known_factors": known,
                "total_factors": len(template.factors),
                "assessor_id": author,
                "assessed_at": at,
                "review_on": at.date() + timedelta(days=90),
            }
        )
        return level

    templates: dict[str, Any] = {}

    def _referral(self, out, case_id, owner, parties, received, author, level, reference):
        rng, world = self.rng, self.world
        to = rng.choice(self.referred_to[owner])
        state = rng.choice(self.states)
        referral_id = self.uuid()
        created = self.moment(self.after(received, 30))
        sent = created + timedelta(hours=rng.randint(1, 30)) if state != "draft" else None
        decided = sent + timedelta(hours=rng.randint(2, 72)) if sent and state != "sent" else None
        subject_role = "suspect" if to == "lighthouse-family-support" else "victim"
        party_id, first, last, age = parties[subject_role]
        police = owner.endswith("-police")
        values = {
            "id": referral_id,
            "case_id": case_id,
            "from_agency_id": world.agency[owner].pk,
            "created_by_id": author,
            "to_agency_id": world.agency[to].pk,
            "purpose": PURPOSE_FOR[to],
            "urgency": rng.choice(("immediate", "urgent", "routine", "routine")),
            "state": state,
            "summary_for_receiver": "A child at risk online; please see the shared details.",
            "lawful_basis": "law_enforcement" if police else "public_task",
            "sensitive_condition": "safeguarding",
            "consent_status": "not_sought",
            "consent_reason": "Seeking consent could place the child at risk.",
            "sent_by_id": author if sent else None,
            "sent_at": sent,
            "decision_due_at": sent + timedelta(days=rng.randint(1, 3)) if sent else None,
            "decided_at": decided,
            # The hub decides on the threshold within a working day; victim support
            # makes first contact within two.
            "threshold_due_at": sent + timedelta(days=1)
            if sent and to in GRANTED_ON_ACCEPTANCE
            else None,
            "victim_support_due_at": sent + timedelta(days=2)
            if sent and to == "harbour-victim-support"
            else None,
            "stale_at": decided + timedelta(days=20)
            if decided and state in ("accepted", "in_progress")
            else None,
            "owner_id": None,
            "started_at": decided + timedelta(days=1)
            if state in ("in_progress", "completed")
            else None,
            "completed_at": decided + timedelta(days=20) if state == "completed" else None,
            "outcome": "support_provided" if state == "completed" else "",
            "decline_reason": "Below our threshold." if state == "declined" else "",
            "withdrawn_at": decided if state == "withdrawn" else None,
            "withdraw_reason": "Sent in error." if state == "withdrawn" else "",
            "last_update_at": decided,
            "created_at": created,
            "updated_at": decided or sent or created,
        }
        if sent:
            values["disclosure"] = {
                "purpose": values["purpose"],
                "urgency": values["urgency"],
                "summary": values["summary_for_receiver"],
                "case_reference": reference,
                "from_agency": {"name": world.agency[owner].name, "slug": owner},
                "to_agency": {"name": world.agency[to].name, "slug": to},
                "to_team": None,
                "sent_at": sent.isoformat(),
                "sender": {"full_name": "A Benchmark Sender"},
                "lawful_basis": values["lawful_basis"],
                "sensitive_condition": "safeguarding",
                "suspect_details_reason": "",
                "consent": {
                    "status": "not_sought",
                    "reason": values["consent_reason"],
                    "how": "",
                    "given_by": "",
                    "given_on": None,
                },
                "risk": {"shared_level": level, "sender_grade": ""},
                "flags": [],
                "documents": [],
                "parties": [
                    {
                        "role": subject_role,
                        "role_label": subject_role.capitalize(),
                        "party_id": str(party_id),
                        "fields": {"first_name": first, "last_name": last, "age": age},
                    }
                ],
            }
        out["referral"].add(values)
        out["referral_party"].add({"referral_id": referral_id, "caseparty_id": party_id})
        if state in GRANTING_STATES and to in GRANTED_ON_ACCEPTANCE:
            self._grant(out, case_id, to, referral_id, decided, author)

    def _grant(self, out, case_id, to, referral_id, at, author) -> None:
        world = self.world
        out["grant"].add(
            {
                "id": self.uuid(),
                "case_id": case_id,
                "agency_id": world.agency[to].pk,
                "reason": "Referral accepted",
                "granted_by_id": author,
                "granted_at": at,
                "source_kind": "referral",
                "source_id": referral_id,
                "source_label": "Safeguarding referral",
            }
        )
        group = world.agency[to].grant_group_id
        for perm in (world.view_case_perm, world.view_whole_perm):
            out["case_permission"].add(
                {"permission_id": perm, "group_id": group, "content_object_id": case_id}
            )

    def _duty(self, out, case_id, owner, parties, received, lead, team) -> None:
        rng, world = self.rng, self.world
        kind = rng.choice(self.duty_kinds)
        party_id = parties["victim" if kind == "victim_update" else "suspect"][0]
        duty_id = self.uuid()
        due = self.moment(self.after(received + timedelta(days=5), 200), hour_from=17, hour_to=18)
        done = rng.random() < 0.65
        out["duty"].add(
            {
                "id": duty_id,
                "case_id": case_id,
                "party_id": party_id,
                "kind": kind,
                "compartment": DUTY_COMPARTMENT[kind],
                "trigger": "regular_update" if kind == "victim_update" else "event",
                "reason": "A regular update the victim agreed",
                "source_key": f"seed-scale:{duty_id}",
                "due_at": due,
                "agency_id": world.agency[owner].pk,
                "team_id": team,
                "responsible_id": lead,
                "status": "met" if done else "open",
                "resolved_at": due - timedelta(hours=3) if done else None,
                "resolved_by_id": lead if done else None,
                "created_at": due - timedelta(days=5),
            }
        )
