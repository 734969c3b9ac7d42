"""The terms of art a page shows, each with the one line that explains it (issue 18).

Officers, hub coordinators and charity caseworkers come from different trades: what is
everyday to one ("section 47", "KIRAT") is jargon to the next. A page that shows one of
these terms puts its explanation beside it with `{% term_hint "key" %}` (or reads the
text with `{% term_explanation "key" as text %}`), so that every page says it the same
way and a new term is one more line here."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    name: str
    explanation: str


TERMS: dict[str, Term] = {
    "outcome_21": Term(
        "Outcome 21",
        "A Home Office crime outcome: a crime is recorded but taking it further is not "
        "in the public interest. Used for imagery made by young people themselves when "
        "nothing aggravates it.",
    ),
    "section_47": Term(
        "section 47",
        "An enquiry by children's services under section 47 of the Children Act 1989, "
        "made when a child may be suffering, or likely to suffer, significant harm.",
    ),
    "caid": Term(
        "CAID",
        "The Child Abuse Image Database: the national police record of known abuse "
        "images. Tideline keeps only its reference, never an image.",
    ),
    "kirat": Term(
        "KIRAT",
        "The Kent Internet Risk Assessment Tool, which police use to prioritise suspects "
        "of online child abuse. A low KIRAT score can mean little is known, not low risk.",
    ),
    "released_under_investigation": Term(
        "released under investigation",
        "Released from custody without bail while the investigation goes on: no "
        "conditions and no date to return, often for many months.",
    ),
    "recommendations_4_and_14": Term(
        "Recommendations 4 and 14",
        "The recommendations that a risk assessment weighs the risk of serious online "
        "offending, not only of contact abuse.",
    ),
    "strategy_discussion": Term(
        "strategy discussion",
        "A meeting of police, children's services and others, held when a child may be "
        "at risk of significant harm, to decide whether to make section 47 enquiries.",
    ),
    "mash": Term(
        "MASH",
        "A multi-agency safeguarding hub: police, children's services and health sharing "
        "information in one place to decide what a referral about a child needs.",
    ),
}


def term_explanation(key: str) -> str:
    """The one line for `key`; an unknown key is a mistake in a template, so it fails
    loudly (KeyError) rather than showing a term unexplained."""
    return TERMS[key].explanation
