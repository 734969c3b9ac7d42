"""The referral pages. As for the referral API, the targets are which side of the
referral the caller's agency is on, except for the new-referral form, which is
aimed at a case: the caller's own, another agency's, or one granted to the
caller's agency (whose casework roles may refer on from it)."""

from referrals.models import ReferralState
from tests.authz import RECORD_TARGETS, REFERRAL_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.authz.rows_cases import a_case
from tests.authz.rows_referrals import (
    RECEIVERS,
    REPORT_READERS,
    SENDERS,
    VIEWERS,
    a_referral,
    state_unchanged_unless_moved,
)


def _referral_page(method: str, path: str, allowed, side: str, state: str, **extra):
    return Endpoint(
        extra.pop("name", "referral-page"),
        method,
        path,
        allowed,
        page=True,
        targets=REFERRAL_TARGETS,
        side=side,
        setup=a_referral(state),
        **extra,
    )


ROWS = [
    Endpoint("referral-inbox-page", "GET", "/referrals/", VIEWERS, page=True),
    Endpoint("referral-sent-page", "GET", "/referrals/sent/", VIEWERS, page=True),
    # The receiver's view, and the sender's of the same referral.
    _referral_page(
        "GET", "/referrals/{referral}/", VIEWERS, "receiver", ReferralState.SENT, other_side=200
    ),
    _referral_page(
        "GET",
        "/referrals/{referral}/",
        VIEWERS,
        "sender",
        ReferralState.IN_PROGRESS,
        other_side=200,
    ),
    # A draft is the sender's alone; the receiver does not know it exists.
    _referral_page(
        "GET", "/referrals/{referral}/", VIEWERS, "sender", ReferralState.DRAFT, other_side=404
    ),
    *[
        _referral_page(
            method,
            "/referrals/{referral}/edit/",
            SENDERS,
            "sender",
            ReferralState.DRAFT,
            other_side=404,
            name="referral-edit-page",
        )
        for method in ("GET", "POST")
    ],
    # A move from the page goes back to the referral (302): made by the receiver;
    # refused, with a banner naming the state, for the sender.
    _referral_page(
        "POST",
        "/referrals/{referral}/accept/",
        RECEIVERS,
        "receiver",
        ReferralState.SENT,
        ok=302,
        other_side=302,
        name="referral-action-page",
        then=state_unchanged_unless_moved(ReferralState.ACCEPTED, RECEIVERS),
    ),
    *form_page(
        "referral-create-page",
        "/cases/{case}/referrals/new/",
        SENDERS,
        granted_ok=True,
        targets=RECORD_TARGETS,
        setup=a_case,
    ),
    # A statistical return with no record in it: every role that may read the
    # report API may open its page (the auditor too); the rest get 404.
    Endpoint("referral-report", "GET", "/reports/referrals/", REPORT_READERS, page=True),
]
