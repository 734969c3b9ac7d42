from agencies.access import can, membership_of
from agencies.navigation import navigation_for
from common.notifications import notification_unread_count


def signed_in_member(request) -> dict:
    membership = membership_of(getattr(request, "user", None))
    if membership is None:
        return {"member": None}
    return {
        "member": membership,
        # The menu of issue 18 (agencies/navigation.py): what base.html shows.
        "navigation": navigation_for(request.user, request.path),
        "unread_notifications": notification_unread_count(actor=request.user),
        # What pages ask about the reader (the home page's own links among them).
        "may_manage_members": can(request.user, "agencies.member.view"),
        "may_read_audit": can(request.user, "audit.access_log.view"),
        "may_work_cases": can(request.user, "cases.case.view"),
        "may_view_queue": can(request.user, "safeguarding.queue.view"),
        "may_work_intake": can(request.user, "intake.item.view"),
        "may_read_outcome_report": can(request.user, "cases.report.outcomes"),
        "may_use_referrals": can(request.user, "referrals.referral.view"),
        "may_read_referral_report": can(request.user, "referrals.report.view"),
        "may_see_duties": can(request.user, "welfare.duty.view"),
        "may_decide_transfers": can(request.user, "cases.transfer.decide"),
        "may_log_exposure": can(request.user, "staff.exposure.log"),
        "may_manage_staff_rules": can(request.user, "staff.rules.manage"),
        "may_read_suspect_welfare_report": can(request.user, "welfare.report.suspect_welfare"),
    }
