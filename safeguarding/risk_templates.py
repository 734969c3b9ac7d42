"""The assessment templates, defined as data and versioned. An assessment records
the key and version it was made with, so a later version never changes the
meaning of an old assessment.

How a level is computed: see COMPUTATION_RULE, which the screens show as it is.
"""

from dataclasses import dataclass
from fractions import Fraction
from typing import cast

from agencies.models import AgencyKind
from safeguarding.models.levels import SharedLevel

COMPUTATION_RULE = """\
1. If no factor is answered "yes" and more than a third of the factors are
   "not known", the level is UNKNOWN. Too little is known to judge; it is never low.
2. Otherwise each "yes" adds its factor's weight to a score.
3. The level is CRITICAL if any of the template's critical combinations is all
   "yes", or the score reaches the critical threshold; else HIGH if any
   single-factor trigger is "yes" or the score reaches the high threshold; else
   MEDIUM if the score reaches the medium threshold; else LOW, unless more than
   a third of the factors are "not known": then it is UNKNOWN, because low needs
   enough to be known to judge.

A "no" and a "not known" both add nothing to the score. That is why too many
"not known" answers make the level unknown rather than low, and why completeness
(known factors out of all) is shown beside every level. A factor left
unanswered counts as "not known"."""

CONTACT = "Risk of contact abuse"
ONLINE = "Risk of serious online harm"
CHILD = "The child"
NEEDS = "The victim's needs"
HOUSEHOLD_ACCESS = "The suspect's access to the child"
HOUSEHOLD_CHILD = "The child and what they have said"
HOUSEHOLD_PROTECTION = "Protection around the child"


@dataclass(frozen=True)
class Factor:
    key: str
    label: str
    group: str
    weight: int
    triggers_high: bool = False


@dataclass(frozen=True)
class Template:
    key: str
    version: int
    name: str
    purpose: str
    # Which parts of a case it assesses, and which kinds of agency use it.
    subject_roles: frozenset[str]
    agency_kinds: frozenset[str]
    factors: tuple[Factor, ...]
    critical_combinations: tuple[frozenset[str], ...] = ()
    critical_score: int = 99
    high_score: int = 99
    medium_score: int = 1
    explanation: str = COMPUTATION_RULE
    # The terms of art its purpose names (common.glossary keys), explained beside it.
    terms: tuple[str, ...] = ()

    def factor(self, key: str) -> Factor | None:
        return next((f for f in self.factors if f.key == key), None)


@dataclass(frozen=True)
class Computation:
    level: str
    known_factors: int
    total_factors: int
    score: int
    reasons: tuple[str, ...]


def level_compute(template: Template, answers: dict[str, str]) -> Computation:
    """`answers` maps factor keys to "yes", "no" or "unknown". A factor without an
    answer counts as unknown; a key the template lacks counts for nothing (the
    service refuses both before it gets here)."""
    total = len(template.factors)
    given = {f.key: answers.get(f.key, "unknown") for f in template.factors}
    yes = {key for key, answer in given.items() if answer == "yes"}
    unknown = sum(1 for answer in given.values() if answer not in ("yes", "no"))
    known = total - unknown
    too_little_known = Fraction(unknown, total) > Fraction(1, 3)

    def result(level: str, score: int, reason: str) -> Computation:
        return Computation(level, known, total, score, (reason,))

    if not yes and too_little_known:
        return result(
            SharedLevel.UNKNOWN,
            0,
            f"No factor is yes and {unknown} of {total} are not known (more than a third).",
        )
    score = sum(f.weight for f in template.factors if f.key in yes)
    for combination in template.critical_combinations:
        if combination <= yes:
            labels = " and ".join(
                cast(Factor, template.factor(k)).label.lower() for k in sorted(combination)
            )
            return result(SharedLevel.CRITICAL, score, f"Yes to {labels}.")
    if score >= template.critical_score:
        return result(
            SharedLevel.CRITICAL,
            score,
            f"Score {score} reaches the critical threshold of {template.critical_score}.",
        )
    triggers = [f.label for f in template.factors if f.triggers_high and f.key in yes]
    if triggers:
        return result(SharedLevel.HIGH, score, f"High because of: {'; '.join(triggers)}.")
    if score >= template.high_score:
        return result(
            SharedLevel.HIGH,
            score,
            f"Score {score} reaches the high threshold of {template.high_score}.",
        )
    if score >= template.medium_score:
        return result(
            SharedLevel.MEDIUM,
            score,
            f"Score {score} reaches the medium threshold of {template.medium_score}.",
        )
    if too_little_known:
        # A low score with most of the picture missing is not a low risk.
        return result(
            SharedLevel.UNKNOWN,
            score,
            f"Score {score} is below {template.medium_score} but {unknown} of {total} "
            "are not known (more than a third).",
        )
    return result(SharedLevel.LOW, score, "No factor raises the level.")


SUSPECT_PRIORITISATION = Template(
    key="online_csa_suspect",
    version=1,
    name="Online CSA suspect prioritisation",
    purpose=(
        "Prioritises a suspect by the risk of contact abuse and, as the report's "
        "Recommendations 4 and 14 ask, the risk of serious online harm."
    ),
    terms=("recommendations_4_and_14",),
    subject_roles=frozenset({"suspect"}),
    agency_kinds=frozenset({AgencyKind.POLICE}),
    factors=(
        Factor(
            "previous_sexual_offending",
            "Previous sexual offending (convictions or allegations)",
            CONTACT,
            2,
        ),
        Factor(
            "access_to_children",
            "Access to children (at home, through work or volunteering, family or friends)",
            CONTACT,
            3,
            triggers_high=True,
        ),
        Factor(
            "grooming_now",
            "Grooming, incitement or sexual communication with children now",
            CONTACT,
            3,
            triggers_high=True,
        ),
        Factor("producing_images", "Producing images", CONTACT, 3, triggers_high=True),
        Factor(
            "other_risk_factors",
            "Other risk factors (domestic abuse, substance misuse, other convictions)",
            CONTACT,
            1,
        ),
        Factor(
            "sextortion",
            "Coercion or blackmail of children (sextortion)",
            ONLINE,
            3,
            triggers_high=True,
        ),
        Factor("many_victims", "Many victims", ONLINE, 2),
        Factor(
            "first_generation_material", "First-generation material", ONLINE, 3, triggers_high=True
        ),
        Factor("live_streamed_abuse", "Live-streamed abuse", ONLINE, 3, triggers_high=True),
        Factor(
            "offender_community_role",
            "A role in an offender community (running, producing or distributing)",
            ONLINE,
            2,
        ),
        Factor("category_a_material", "Category A material", ONLINE, 2),
        Factor("evading_detection", "Steps taken to evade detection", ONLINE, 1),
    ),
    critical_combinations=(
        frozenset({"access_to_children", "grooming_now"}),
        frozenset({"access_to_children", "producing_images"}),
        frozenset({"access_to_children", "live_streamed_abuse"}),
        frozenset({"sextortion", "many_victims"}),
    ),
    critical_score=12,
    high_score=6,
    medium_score=2,
)

CHILD_SAFEGUARDING = Template(
    key="child_safeguarding_concern",
    version=1,
    name="Child safeguarding concern",
    purpose="Judges the risk to a child in the case or in a suspect's household.",
    subject_roles=frozenset({"victim", "child_in_household", "family_member"}),
    agency_kinds=frozenset({AgencyKind.CHILDRENS_SERVICES, AgencyKind.SAFEGUARDING_HUB}),
    factors=(
        Factor(
            "exposure",
            "The child has been exposed to sexual abuse or abuse material",
            CHILD,
            3,
            triggers_high=True,
        ),
        Factor(
            "contact_with_suspect",
            "The child has contact with the suspect",
            CHILD,
            3,
            triggers_high=True,
        ),
        Factor(
            "parents_cannot_protect",
            "The parents cannot or will not protect the child",
            CHILD,
            3,
            triggers_high=True,
        ),
        Factor(
            "wishes_and_feelings", "The child's own wishes and feelings raise concern", CHILD, 1
        ),
        Factor(
            "online_risks",
            "The child faces online risks (contact from offenders, image sharing)",
            CHILD,
            2,
        ),
    ),
    critical_combinations=(frozenset({"contact_with_suspect", "parents_cannot_protect"}),),
    critical_score=8,
    high_score=5,
    medium_score=1,
)

# A child who lives with, or is cared for by, a suspect in an online CSA case. The
# general child template asks about a child already known to be harmed; this one asks
# what makes harm likely in that household, so police and the hub can judge the
# children found at a suspect's address on the day of the arrest.
#
# How its level follows from the shared rule (COMPUTATION_RULE) and these numbers:
# * Any of the four single-factor triggers (the suspect's unsupervised access, the
#   other carer unable to protect, a disclosure or signs of harm, the child in the
#   material) makes it at least HIGH: each alone is reasonable cause to suspect
#   significant harm, which is the threshold for a strategy discussion.
# * Unsupervised access with any of the other three triggers is CRITICAL: the
#   suspect can reach the child and nothing stands in the way, or harm is already
#   shown. So is a score of 12 or more (most of the picture is "yes").
# * Otherwise a score of 5 is HIGH (for example the child's age and vulnerability,
#   online contact with the suspect and prior concerns together), and any "yes" is
#   at least MEDIUM: one factor alone in that household is never low.
# * More than a third "not known" with nothing "yes" is UNKNOWN, never low.
CHILD_IN_SUSPECT_HOUSEHOLD = Template(
    key="child_in_suspect_household",
    version=1,
    name="Child in a suspect's household",
    purpose=(
        "Judges the risk to a child who lives with, or is cared for by, a suspect: the "
        "suspect's access, the child's age and vulnerability, the other carer's ability "
        "to protect, the child's own contact with the suspect, disclosures and prior "
        "concerns."
    ),
    subject_roles=frozenset({"child_in_household"}),
    agency_kinds=frozenset(
        {AgencyKind.POLICE, AgencyKind.CHILDRENS_SERVICES, AgencyKind.SAFEGUARDING_HUB}
    ),
    factors=(
        Factor(
            "unsupervised_access",
            "The suspect lives with the child or has unsupervised access to them",
            HOUSEHOLD_ACCESS,
            3,
            triggers_high=True,
        ),
        Factor(
            "caring_role",
            "The suspect looks after the child alone (bathing, bedtime, babysitting)",
            HOUSEHOLD_ACCESS,
            2,
        ),
        Factor(
            "young_or_vulnerable",
            "The child is under 5, or has a disability or need that makes telling someone harder",
            HOUSEHOLD_CHILD,
            2,
        ),
        Factor(
            "online_contact_with_suspect",
            "The child has online contact with the suspect (messages, games, shared devices)",
            HOUSEHOLD_CHILD,
            2,
        ),
        Factor(
            "disclosure_or_signs",
            "The child has disclosed abuse, or shows sexualised behaviour or signs of harm",
            HOUSEHOLD_CHILD,
            3,
            triggers_high=True,
        ),
        Factor(
            "child_in_material",
            "The material found shows this child or was made in the home",
            HOUSEHOLD_CHILD,
            3,
            triggers_high=True,
        ),
        Factor(
            "carer_cannot_protect",
            "The other parent or carer does not accept the concern or cannot keep the suspect away",
            HOUSEHOLD_PROTECTION,
            3,
            triggers_high=True,
        ),
        Factor(
            "prior_concerns",
            "Earlier child protection concerns about this household or the suspect",
            HOUSEHOLD_PROTECTION,
            1,
        ),
    ),
    critical_combinations=(
        frozenset({"unsupervised_access", "carer_cannot_protect"}),
        frozenset({"unsupervised_access", "disclosure_or_signs"}),
        frozenset({"unsupervised_access", "child_in_material"}),
    ),
    critical_score=12,
    high_score=5,
    medium_score=1,
)

VICTIM_NEEDS = Template(
    key="victim_needs",
    version=1,
    name="Victim needs",
    purpose="What a victim needs to be safe and supported.",
    subject_roles=frozenset({"victim"}),
    agency_kinds=frozenset({AgencyKind.POLICE, AgencyKind.CHARITY}),
    factors=(
        Factor("self_harm_risk", "Risk of self-harm", NEEDS, 3, triggers_high=True),
        Factor("unsafe_at_home", "Not safe at home", NEEDS, 3, triggers_high=True),
        Factor("no_support_in_place", "No support already in place", NEEDS, 1),
        Factor("communication_needs", "Communication needs that are not yet met", NEEDS, 1),
    ),
    critical_combinations=(frozenset({"self_harm_risk", "unsafe_at_home"}),),
    critical_score=6,
    high_score=4,
    medium_score=1,
)

TEMPLATES: dict[tuple[str, int], Template] = {
    (t.key, t.version): t
    for t in (
        SUSPECT_PRIORITISATION,
        CHILD_SAFEGUARDING,
        CHILD_IN_SUSPECT_HOUSEHOLD,
        VICTIM_NEEDS,
    )
}


def template_current(key: str) -> Template | None:
    versions = [t for (k, _), t in TEMPLATES.items() if k == key]
    return max(versions, key=lambda t: t.version) if versions else None


def template_get(key: str, version: int) -> Template | None:
    return TEMPLATES.get((key, version))


def templates_current() -> list[Template]:
    keys = sorted({k for k, _ in TEMPLATES})
    return [cast(Template, template_current(k)) for k in keys]


def templates_for_agency_kind(kind: str) -> list[Template]:
    """The current templates an agency of this kind assesses with."""
    return [t for t in templates_current() if kind in t.agency_kinds]


def templates_for_subject(kind: str, role: str) -> list[Template]:
    """The current templates an agency of this kind may assess a party in this role
    with: what a subject can be assessed with follows the party's role."""
    return [t for t in templates_for_agency_kind(kind) if role in t.subject_roles]
