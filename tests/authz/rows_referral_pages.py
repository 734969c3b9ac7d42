"""The referral pages. As for the referral API, the targets are which side of the
referral the caller's agency is on (``own``: the side the page is for; ``other``:
a referral between two other agencies, always 404), except for the new-referral
form, which is aimed at a case: own, another agency's, or one granted to the
caller's agency (whose casework roles may refer on from it)."""

from agencies.access import CAPABILITIES, CASEWORK
from agencies.models import Role
from referrals.models import ReferralState
from tests.authz import Endpoint
from tests.authz.rows_cases import ALL_TARGETS, a_case
from tests.authz.rows_referrals import received, sent

VIEWERS = CASEWORK | {Role.PARTNER_CASEWORKER}
SENDERS = CASEWORK
SIDES = ("own", "other")
REPORT_READERS = CAPABILITIES["referrals.report.view"]

ROWS = [
    Endpoint("referral-inbox-page", "GET", "/referrals/", VIEWERS, page=True),
    Endpoint("referral-sent-page", "GET", "/referrals/sent/", VIEWERS, page=True),
    # The receiver's view: the disclosure and the moves that are theirs.
    Endpoint(
        "referral-page",
        "GET",
        "/referrals/{referral}/",
        VIEWERS,
        page=True,
        targets=SIDES,
        setup=received(ReferralState.SENT),
    ),
    # The sender's view of the same page, "as the receiver sees it".
    Endpoint(
        "referral-page",
        "GET",
        "/referrals/{referral}/",
        VIEWERS,
        page=True,
        targets=SIDES,
        setup=sent(ReferralState.IN_PROGRESS),
    ),
    # A draft is the sender's alone; the receiver does not know it exists.
    Endpoint(
        "referral-page",
        "GET",
        "/referrals/{referral}/",
        VIEWERS,
        page=True,
        targets=SIDES,
        setup=sent(ReferralState.DRAFT),
    ),
    Endpoint(
        "referral-page",
        "GET",
        "/referrals/{referral}/",
        frozenset(),
        page=True,
        targets=SIDES,
        setup=received(ReferralState.DRAFT),
    ),
    Endpoint(
        "referral-edit-page",
        "GET",
        "/referrals/{referral}/edit/",
        SENDERS,
        page=True,
        targets=SIDES,
        setup=sent(ReferralState.DRAFT),
    ),
    Endpoint(
        "referral-create-page",
        "GET",
        "/cases/{case}/referrals/new/",
        SENDERS,
        page=True,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case,
    ),
    # A statistical return with no record in it: every role that may read the
    # report API may open its page (the auditor too); the rest get 404.
    Endpoint("referral-report", "GET", "/reports/referrals/", REPORT_READERS, page=True),
]
