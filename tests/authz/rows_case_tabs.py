"""The case page's tabs (issue 18): each a page of its own, read by whoever may read
the case page (/cases/<id>/, in rows_case_pages.py), the granted agency included."""

from tests.authz import EVERY_OWNER, Endpoint
from tests.authz.rows_cases import CASEWORKERS, a_case


def tab(name: str, path: str) -> Endpoint:
    return Endpoint(
        name,
        "GET",
        path,
        CASEWORKERS,
        page=True,
        targets=EVERY_OWNER,
        granted_ok=True,
        setup=a_case,
    )


ROWS = [
    tab("case-parties", "/cases/{case}/parties/"),
    tab("case-contacts", "/cases/{case}/contacts/"),
    tab("case-risk", "/cases/{case}/risk/"),
    tab("case-strategy", "/cases/{case}/strategy/"),
    tab("case-referrals", "/cases/{case}/referrals/"),
    tab("case-events", "/cases/{case}/events/"),
    tab("case-welfare", "/cases/{case}/welfare/"),
    tab("case-documents", "/cases/{case}/documents/"),
    tab("case-history", "/cases/{case}/history/"),
]
