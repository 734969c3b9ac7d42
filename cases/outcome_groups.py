"""The groups of the outcome report, defined once: the headings under which the
report behind this product counts a force's outcomes for online CSA. The API, the
page and the CSV all read this mapping, so a code can never be counted twice or
under different headings in different places."""

from typing import NamedTuple

from cases.models import OutcomeCode


class OutcomeGroup(NamedTuple):
    label: str
    codes: frozenset[str]


# In the report's order. Every offered OutcomeCode is in exactly one group
# (tests/cases/test_outcome_report.py proves it).
OUTCOME_GROUPS: dict[str, OutcomeGroup] = {
    "charged_or_summonsed": OutcomeGroup(
        "Charged or summonsed",
        frozenset({OutcomeCode.CHARGED, OutcomeCode.CHARGED_ALTERNATE}),
    ),
    "caution": OutcomeGroup(
        "Caution",
        frozenset(
            {
                # Simple and conditional cautions alike, for youths and adults.
                OutcomeCode.YOUTH_CAUTION,
                OutcomeCode.YOUTH_CAUTION_ALTERNATE,
                OutcomeCode.ADULT_CAUTION,
                OutcomeCode.ADULT_CAUTION_ALTERNATE,
            }
        ),
    ),
    "community_or_other_resolution": OutcomeGroup(
        "Community or other resolution",
        frozenset(
            {
                OutcomeCode.PENALTY_NOTICE,
                OutcomeCode.CANNABIS_KHAT_WARNING,
                OutcomeCode.COMMUNITY_RESOLUTION,
                # Outcome 22 is counted as a resolution, not as "not in the public
                # interest", although its title ends with those words: the suspect
                # takes part in a diversionary, educational or intervention activity
                # (a course, say), which is an out-of-court resolution in substance.
                # It is the route the report proposes for diverting CSAM-only
                # offenders, and must stay visible as something done, not dropped.
                OutcomeCode.DIVERSIONARY_ACTIVITY,
            }
        ),
    ),
    "other": OutcomeGroup(
        "Other",
        frozenset(
            {
                # 4 (TIC): the offence is sentenced along with another, not resolved by itself.
                OutcomeCode.TAKEN_INTO_CONSIDERATION,
                OutcomeCode.OFFENDER_DIED,
                OutcomeCode.PREVENTED_BELOW_AGE,
                OutcomeCode.PREVENTED_SUSPECT_ILL,
                OutcomeCode.PREVENTED_VICTIM_ILL,
                OutcomeCode.TIME_LIMIT_EXPIRED,
            }
        ),
    ),
    "not_in_public_interest": OutcomeGroup(
        "Not in the public interest",
        frozenset(
            {
                OutcomeCode.NOT_IN_PUBLIC_INTEREST_CPS,
                OutcomeCode.NOT_IN_PUBLIC_INTEREST_POLICE,
            }
        ),
    ),
    "outcome_21": OutcomeGroup(
        "Outcome 21",
        frozenset({OutcomeCode.NOT_IN_PUBLIC_INTEREST_FURTHER_INVESTIGATION}),
    ),
    "no_suspect_identified": OutcomeGroup(
        "Investigation complete: no suspect identified",
        frozenset({OutcomeCode.NO_SUSPECT_IDENTIFIED}),
    ),
    "evidential_difficulties": OutcomeGroup(
        "Evidential difficulties",
        frozenset(
            {
                OutcomeCode.EVIDENTIAL_VICTIM_NO_SUSPECT,
                OutcomeCode.EVIDENTIAL_SUSPECT_IDENTIFIED,
                OutcomeCode.EVIDENTIAL_VICTIM_WITHDRAWN,
            }
        ),
    ),
    "action_by_another_body": OutcomeGroup(
        "Action by another body",
        frozenset({OutcomeCode.OTHER_BODY}),
    ),
}

GROUP_OF_CODE: dict[str, str] = {
    str(code): key for key, group in OUTCOME_GROUPS.items() for code in group.codes
}


def outcome_group_of(code: str) -> str:
    """The report group a code is counted under."""
    return GROUP_OF_CODE[str(code)]
