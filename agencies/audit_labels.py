"""The access log in plain English: a label for every action code and record type
that the code base writes to the log (`agencies.audit`), kept here in one place.

Two kinds of code reach the log. What happened is named in the past tense by the
service or selector that logged it (`cases.case.viewed`); a refused request is named
by the capability it asked for (`cases.case.view`, as in `agencies.access`), read
here as "a request to ...", the outcome column saying it was refused.
tests/agencies/test_audit_labels.py reads the code base for every code it writes and
fails on one without a label here.
"""

# Lists of a kind of record are logged as `<app>.<record type>.listed` by the API's
# paginator (`access_list_record`): labelled from the record type, below.
LISTED_SUFFIX = ".listed"

# The areas of the log, in the order the action filter lists them.
AREAS: dict[str, str] = {
    "agencies": "Signing in and accounts",
    "audit": "The access log",
    "cases": "Cases",
    "safeguarding": "Safeguarding",
    "referrals": "Referrals",
    "welfare": "Victims and suspects' welfare",
    "staff": "Staff welfare",
    "intake": "Intake",
    "calendars": "Calendars",
    "api": "The API",
}

ACTION_LABELS: dict[str, str] = {
    # --- Signing in and accounts
    "agencies.sign_in.succeeded": "Signed in",
    "agencies.sign_in.failed": "Failed to sign in",
    "agencies.sign_in.locked_out": "Locked out after failed sign-ins",
    "agencies.sign_out": "Signed out",
    "agencies.sessions.ended": "Ended a person's signed-in sessions",
    "agencies.token.issued": "Issued an API token",
    "agencies.token.revoked": "Revoked an API token",
    "agencies.enrolment_link.issued": "Issued an enrolment link",
    "agencies.enrolment.completed": "Completed enrolment",
    "agencies.member.viewed": "Viewed a person's account",
    "agencies.member.created": "Added a person",
    "agencies.member.changed": "Changed a person's account",
    "agencies.member.deactivated": "Deactivated a person's account",
    "agencies.member.reactivated": "Reactivated a person's account",
    "agencies.member.unlocked": "Unlocked a person's account",
    "agencies.member.mfa_reset": "Reset a person's second factor",
    "agencies.member.view": "Request to view a person's account",
    "agencies.member.manage": "Request to manage a person's account",
    "agencies.closure_day.added": "Added a closure day",
    "agencies.closure_day.removed": "Removed a closure day",
    # --- The access log
    "audit.access_log.viewed": "Read the access log",
    "audit.access_log.view": "Request to read the access log",
    # --- Cases
    "cases.case.viewed": "Viewed a case",
    "cases.case.created": "Opened a case",
    "cases.case.changed": "Changed a case",
    "cases.case.closed": "Closed a case",
    "cases.case.reopened": "Reopened a case",
    "cases.case.transferred": "Transferred a case to another force",
    "cases.case.intake_attached": "Attached an intake item to a case",
    "cases.case.view": "Request to view a case",
    "cases.case.create": "Request to open a case",
    "cases.case.change": "Request to change a case",
    "cases.case.close": "Request to close a case",
    "cases.case.close_over_duties": "Request to close a case with duties still open",
    "cases.case.reopen": "Request to reopen a case",
    "cases.agencies.viewed": "Viewed the agencies involved in a case",
    "cases.person.viewed": "Viewed a person",
    "cases.person.searched": "Searched for a person",
    "cases.person.created": "Recorded a person",
    "cases.person.changed": "Changed a person's details",
    "cases.person.view": "Request to view a person",
    "cases.person.create": "Request to record a person",
    "cases.person.change": "Request to change a person's details",
    "cases.party.viewed": "Viewed a person in a case",
    "cases.party.listed": "Viewed the people in a case",
    "cases.party.added": "Added a person to a case",
    "cases.party.add": "Request to add a person to a case",
    "cases.offence.added": "Recorded an offence",
    "cases.offence.add": "Request to record an offence",
    "cases.contact.logged": "Logged a contact",
    "cases.contact.add": "Request to log a contact",
    "cases.decision.recorded": "Recorded a key decision",
    "cases.decision.add": "Request to record a key decision",
    "cases.document.uploaded": "Uploaded a document",
    "cases.document.downloaded": "Downloaded a document",
    "cases.document.view": "Request to view a document",
    "cases.document.add": "Request to upload a document",
    "cases.material.viewed": "Viewed a material summary",
    "cases.material.changed": "Changed a material summary",
    "cases.material.view": "Request to view a material summary",
    "cases.material.change": "Request to change a material summary",
    "cases.activist_evidence.viewed": "Viewed evidence from an online activist group",
    "cases.activist_evidence.changed": "Changed evidence from an online activist group",
    "cases.outcome.viewed": "Viewed an outcome",
    "cases.outcome.recorded": "Recorded an outcome",
    "cases.outcome.caution_changed": "Changed a conditional caution",
    "cases.outcome.conditions_recorded": "Recorded whether caution conditions were met",
    "cases.outcome.view": "Request to view an outcome",
    "cases.outcome.add": "Request to record an outcome",
    "cases.report.outcomes": "Request to read the outcomes report",
    "cases.event.recorded": "Recorded an investigation event",
    "cases.event.view": "Request to view investigation events",
    "cases.event.add": "Request to record an investigation event",
    "cases.grant.listed": "Viewed the grants of access to a case",
    "cases.grant.created": "Granted another agency access to a case",
    "cases.grant.renewed": "Renewed a grant of access to a case",
    "cases.grant.revoked": "Revoked a grant of access to a case",
    "cases.grant.view": "Request to view grants of access",
    "cases.grant.manage": "Request to manage grants of access",
    "cases.history.viewed": "Viewed a case's history of changes",
    "cases.history.view": "Request to view a case's history of changes",
    "cases.task.viewed": "Viewed a task",
    "cases.task.created": "Created a task",
    "cases.task.done": "Marked a task done",
    "cases.task.cancelled": "Cancelled a task",
    "cases.task.view": "Request to view tasks",
    "cases.task.add": "Request to create a task",
    "cases.task.change": "Request to change a task",
    "cases.identifier.listed": "Viewed a person's identifiers",
    "cases.identifier.added": "Added an identifier",
    "cases.identifier.removed": "Removed an identifier",
    "cases.identifier.view": "Request to view identifiers",
    "cases.identifier.add": "Request to add an identifier",
    "cases.identifier.remove": "Request to remove an identifier",
    "cases.transfer.viewed": "Viewed a case transfer",
    "cases.transfer.requested": "Asked another force to take a case",
    "cases.transfer.accepted": "Accepted a case transfer",
    "cases.transfer.declined": "Declined a case transfer",
    "cases.transfer.withdrawn": "Withdrew a case transfer",
    "cases.transfer.view": "Request to view case transfers",
    "cases.transfer.request": "Request to transfer a case",
    "cases.transfer.decide": "Request to decide a case transfer",
    # --- Safeguarding
    "safeguarding.assessment.viewed": "Viewed a risk assessment",
    "safeguarding.assessment.listed": "Viewed risk assessments",
    "safeguarding.assessment.recorded": "Recorded a risk assessment",
    "safeguarding.assessment.view": "Request to view risk assessments",
    "safeguarding.assessment.add": "Request to record a risk assessment",
    "safeguarding.assessment.override": "Request to override an assessed level",
    "safeguarding.flag.raised": "Raised a risk flag",
    "safeguarding.flag.cleared": "Cleared a risk flag",
    "safeguarding.flag.listed": "Viewed risk flags",
    "safeguarding.flag.view": "Request to view risk flags",
    "safeguarding.flag.raise": "Request to raise a risk flag",
    "safeguarding.strategy.recorded": "Recorded a strategy discussion",
    "safeguarding.strategy.planned": "Planned a strategy discussion",
    "safeguarding.strategy.held": "Recorded that a strategy discussion was held",
    "safeguarding.strategy.decided": "Recorded a strategy discussion's decision",
    "safeguarding.strategy.assessment_completed": "Recorded a completed section 47 assessment",
    "safeguarding.strategy.conference_held": "Recorded a child protection conference",
    "safeguarding.strategy.listed": "Viewed strategy discussions",
    "safeguarding.strategy.view": "Request to view strategy discussions",
    "safeguarding.strategy.record": "Request to record a strategy discussion",
    "safeguarding.case.actioned": "Recorded first action on a case",
    "safeguarding.case.action": "Request to record first action on a case",
    "safeguarding.queue.view": "Request to view the work queue",
    "safeguarding.scale.changed": "Changed the agency's risk scale",
    "safeguarding.scale.manage": "Request to change the agency's risk scale",
    "safeguarding.targets.changed": "Changed the targets for first action",
    # --- Referrals
    "referrals.referral.viewed": "Viewed a referral",
    "referrals.referral.created": "Drafted a referral",
    "referrals.referral.changed": "Changed a draft referral",
    "referrals.referral.sent": "Sent a referral",
    "referrals.referral.accepted": "Accepted a referral",
    "referrals.referral.declined": "Declined a referral",
    "referrals.referral.returned": "Returned a referral with a question",
    "referrals.referral.answered": "Answered a returned referral",
    "referrals.referral.started": "Started work on a referral",
    "referrals.referral.progress_noted": "Noted progress on a referral",
    "referrals.referral.completed": "Completed a referral",
    "referrals.referral.withdrawn": "Withdrew a referral",
    "referrals.referral.threshold_decided": "Recorded a threshold decision",
    "referrals.referral.view": "Request to view a referral",
    "referrals.referral.create": "Request to make a referral",
    "referrals.referral.receive": "Request to work a received referral",
    "referrals.threshold.record": "Request to record a threshold decision",
    "referrals.report.view": "Request to read the referrals report",
    "referrals.concern.viewed": "Viewed an urgent concern",
    "referrals.concern.listed": "Viewed urgent concerns",
    "referrals.concern.raised": "Raised an urgent concern",
    "referrals.concern.acknowledged": "Acknowledged an urgent concern",
    "referrals.concern.raise": "Request to raise an urgent concern",
    "referrals.concern.acknowledge": "Request to acknowledge an urgent concern",
    "referrals.message.listed": "Read a referral's messages",
    "referrals.message.posted": "Sent a message on a referral",
    "referrals.message.post": "Request to send a message on a referral",
    "referrals.document.attached": "Shared a document with a referral",
    "referrals.document.removed": "Removed a shared document",
    "referrals.document.downloaded": "Downloaded a shared document",
    # --- Victims and suspects' welfare
    "welfare.duty.viewed": "Viewed duties of care",
    "welfare.duty.met": "Met a duty of care",
    "welfare.duty.reassigned": "Reassigned a duty of care",
    "welfare.duty.view": "Request to view duties of care",
    "welfare.duty.meet": "Request to meet a duty of care",
    "welfare.duty.reassign": "Request to reassign a duty of care",
    "welfare.duty.team": "Request to view the team's duties of care",
    "welfare.victim_care.contact_changed": "Changed a victim's named contact",
    "welfare.victim_care.level_changed": "Changed how often a victim is updated",
    "welfare.victim_care.preferences_set": "Recorded a victim's update preferences",
    "welfare.victim_care.view": "Request to view a victim's care",
    "welfare.victim_care.change": "Request to change a victim's care",
    "welfare.family_pack.recorded": "Recorded a family pack",
    "welfare.family.view": "Request to view family support",
    "welfare.family.record": "Request to record family support",
    "welfare.screening.recorded": "Recorded a suicide-risk screening",
    "welfare.safety_plan.recorded": "Recorded a safety plan",
    "welfare.check.recorded": "Recorded a welfare check",
    "welfare.check.escalation": "Request to act on an escalated welfare check",
    "welfare.welfare_check.viewed": "Viewed a suspect's welfare checks",
    "welfare.incident.recorded": "Recorded a welfare incident",
    "welfare.incident.iopc_referred": "Referred a welfare incident to the IOPC",
    "welfare.suspect.view": "Request to view a suspect's welfare",
    "welfare.suspect.record": "Request to record a suspect's welfare",
    "welfare.report.suspect_welfare": "Request to read the suspect welfare report",
    "welfare.staff_exposure.team_viewed": "Viewed the team's exposure to material",
    "welfare.staff_exposure.alerts_viewed": "Viewed staff exposure alerts",
    # --- Staff welfare
    "staff.exposure.logged": "Logged a review session",
    "staff.exposure.log": "Request to log a review session",
    "staff.exposure.team": "Request to view the team's exposure",
    "staff.meeting.recorded": "Recorded a debrief or welfare review",
    "staff.meeting.record": "Request to record a debrief or welfare review",
    "staff.rules.changed": "Changed the exposure rules",
    "staff.rules.manage": "Request to change the exposure rules",
    # --- Intake
    "intake.package.uploaded": "Uploaded an intake package",
    "intake.package.imported": "Imported an intake package",
    "intake.package.resumed": "Resumed importing an intake package",
    "intake.package.raw_disposed": "Disposed of an intake package's raw file",
    "intake.package.viewed": "Viewed an intake package",
    "intake.package.rejections_listed": "Viewed an intake package's rejected reports",
    "intake.package.import": "Request to import an intake package",
    "intake.package.view": "Request to view intake packages",
    "intake.item.viewed": "Viewed an intake item",
    "intake.item.received": "Received an intake item from another force",
    "intake.item.handed_over": "Handed an intake item to another force",
    "intake.item.passed": "Passed an intake item to another force",
    "intake.item.cases_suggested": "Viewed cases suggested for an intake item",
    "intake.item.open_case": "Opened a case from an intake item",
    "intake.item.attach_to_case": "Attached an intake item to an existing case",
    "intake.item.pass_to_force": "Passed an intake item to another force",
    "intake.item.no_further_action": "Took no further action on an intake item",
    "intake.item.view": "Request to view intake items",
    "intake.item.decide": "Request to decide an intake item",
    "intake.report.listed": "Viewed an intake item's reports",
    "intake.preservation.recorded": "Recorded a preservation request",
    "intake.preservation.record": "Request to record a preservation request",
    "intake.deconfliction.hit": "Found a deconfliction match",
    "intake.deconfliction.hits_viewed": "Viewed deconfliction matches",
    "intake.deconfliction.coordinated": "Recorded coordination on a deconfliction match",
    "intake.deconfliction.view": "Request to view deconfliction matches",
    "intake.deconfliction.record": "Request to record coordination on a match",
    # --- Calendars
    "calendars.calendar.viewed": "Viewed their calendar",
    "calendars.feed.created": "Created a calendar feed",
    "calendars.feed.reset": "Reset a calendar feed",
    "calendars.feed.fetched": "A calendar feed was fetched",
    # --- The API: a request to a view that declares no capability for its method
    "api.get": "API request to read",
    "api.post": "API request to create or act",
    "api.put": "API request to replace",
    "api.patch": "API request to change",
    "api.delete": "API request to delete",
}

# The words for each kind of record (`agencies.audit.record_type`).
RECORD_TYPE_LABELS: dict[str, str] = {
    "access_log": "Access log",
    "access_log_entry": "Access log entry",
    "action_target": "Target for first action",
    "activist_evidence": "Evidence from an activist group",
    "agency": "Agency",
    "api_token": "API token",
    "assessment": "Risk assessment",
    "calendar": "Calendar",
    "calendar_feed": "Calendar feed",
    "case": "Case",
    "case_grant": "Grant of access to a case",
    "case_transfer": "Case transfer",
    "closure_day": "Closure day",
    "concern": "Urgent concern",
    "contact": "Contact",
    "deconfliction_hit": "Deconfliction match",
    "decision": "Key decision",
    "document": "Document",
    "duty": "Duty of care",
    "enrolment_link": "Enrolment link",
    "event": "Investigation event",
    "exposure_rules": "Exposure rules",
    "exposure_session": "Review session",
    "family_pack": "Family pack",
    "first_action": "First action",
    "flag": "Risk flag",
    "identifier": "Identifier",
    "intake_item": "Intake item",
    "intake_package": "Intake package",
    "intake_rejection": "Rejected intake report",
    "intake_report": "Intake report",
    "material_summary": "Material summary",
    "member": "Person's account",
    "offence": "Offence",
    "outcome": "Outcome",
    "party": "Person in a case",
    "person": "Person",
    "referral": "Referral",
    "referral_document": "Shared document",
    "referral_event": "Referral event",
    "referral_message": "Referral message",
    "risk_scale_level": "Risk scale grade",
    "safety_plan": "Safety plan",
    "staff_shift": "Shift",
    "strategy_discussion": "Strategy discussion",
    "strategy_discussion_child": "Child in a strategy discussion",
    "task": "Task",
    "threshold_decision": "Threshold decision",
    "user": "User",
    "user_session": "Signed-in session",
    "victim_care": "Victim care",
    "welfare_check": "Welfare check",
    "welfare_check_attempt": "Welfare check attempt",
    "welfare_incident": "Welfare incident",
    "welfare_meeting": "Debrief or welfare review",
    "welfare_screening": "Suicide-risk screening",
}


def _listed_kind(code: str) -> str | None:
    if not code.endswith(LISTED_SUFFIX) or code.count(".") != 2:
        return None
    return code.split(".")[1]


def action_label(code: str) -> str:
    """The plain-English words for an action code. A code without a label (an entry
    written by an older version) is shown as itself rather than hidden."""
    label = ACTION_LABELS.get(code)
    if label is not None:
        return label
    kind = _listed_kind(code)
    if kind in RECORD_TYPE_LABELS:
        return f"Viewed a list of records ({RECORD_TYPE_LABELS[kind].lower()})"
    return code


def record_type_label(kind: str) -> str:
    return RECORD_TYPE_LABELS.get(kind, kind.replace("_", " ").capitalize())


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The action filter's choices, grouped by area and sorted by label within each."""
    groups: dict[str, list[tuple[str, str]]] = {area: [] for area in AREAS}
    for code, label in ACTION_LABELS.items():
        groups[code.split(".")[0]].append((code, label))
    return [
        (AREAS[area], sorted(choices, key=lambda choice: choice[1]))
        for area, choices in groups.items()
        if choices
    ]


def record_type_choices() -> list[tuple[str, str]]:
    return sorted(RECORD_TYPE_LABELS.items(), key=lambda choice: choice[1])
