"""The case pages: the list, opening a case, the case page and its forms. A granted
agency may read the case and add contacts and decisions (GRANTED_ACTIONS), and
nothing else."""

from agencies.access import CASEWORK
from tests.authz import Endpoint
from tests.authz.rows_cases import a_case

ALL_TARGETS = ("own", "other", "granted")


def _case_page(name: str, path: str, *, granted_ok: bool = False) -> Endpoint:
    return Endpoint(
        name,
        "GET",
        path,
        CASEWORK,
        page=True,
        targets=ALL_TARGETS,
        granted_ok=granted_ok,
        setup=a_case,
    )


ROWS = [
    Endpoint("case-list", "GET", "/cases/", CASEWORK, page=True),
    Endpoint("case-create", "GET", "/cases/new/", CASEWORK, page=True),
    _case_page("case-detail", "/cases/{case}/", granted_ok=True),
    _case_page("case-change", "/cases/{case}/change/"),
    _case_page("case-close", "/cases/{case}/close/"),
    _case_page("case-contact-create", "/cases/{case}/contacts/new/", granted_ok=True),
    _case_page("case-party-create", "/cases/{case}/parties/new/"),
    _case_page("case-offence-create", "/cases/{case}/offences/new/"),
    _case_page("case-decision-create", "/cases/{case}/decisions/new/", granted_ok=True),
]
