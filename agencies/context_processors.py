from agencies.access import can, membership_of


def signed_in_member(request) -> dict:
    membership = membership_of(getattr(request, "user", None))
    if membership is None:
        return {"member": None}
    return {
        "member": membership,
        "may_manage_members": can(request.user, "agencies.member.view"),
        "may_read_audit": can(request.user, "audit.access_log.view"),
        "may_work_cases": can(request.user, "cases.case.view"),
        "may_read_outcome_report": can(request.user, "cases.report.outcomes"),
    }
