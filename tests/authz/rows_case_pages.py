"""The case pages: the list, opening a case, the case page and its forms. A granted
agency may read the case and add contacts and decisions, and nothing else. Each
form is also posted empty: those who may use it get it back with its errors (200),
everyone else a 404, and nothing is written either way."""

from tests.authz import EVERY_OWNER, RECORD_TARGETS, Endpoint
from tests.authz.rows_cases import CASEWORKERS, a_case


def form_page(name: str, path: str, allowed, *, granted_ok: bool = False, **extra) -> list:
    """The GET of a form page and its POST with an empty form."""
    extra.setdefault("targets", RECORD_TARGETS)
    extra.setdefault("setup", a_case)
    return [
        Endpoint(name, method, path, allowed, page=True, granted_ok=granted_ok, **extra)
        for method in ("GET", "POST")
    ]


ROWS = [
    Endpoint("case-list", "GET", "/cases/", CASEWORKERS, page=True),
    *form_page("case-create", "/cases/new/", CASEWORKERS, targets=("own",), setup=None),
    Endpoint(
        "case-detail",
        "GET",
        "/cases/{case}/",
        CASEWORKERS,
        page=True,
        targets=EVERY_OWNER,
        granted_ok=True,
        setup=a_case,
    ),
    *form_page("case-change", "/cases/{case}/change/", CASEWORKERS),
    *form_page("case-close", "/cases/{case}/close/", CASEWORKERS),
    *form_page("case-contact-create", "/cases/{case}/contacts/new/", CASEWORKERS, granted_ok=True),
    *form_page("case-party-create", "/cases/{case}/parties/new/", CASEWORKERS),
    *form_page("case-offence-create", "/cases/{case}/offences/new/", CASEWORKERS),
    *form_page(
        "case-decision-create", "/cases/{case}/decisions/new/", CASEWORKERS, granted_ok=True
    ),
]
