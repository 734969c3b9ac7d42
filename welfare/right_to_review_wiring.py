"""The Victims' Right to Review's registrations (docs/adr/0017), made from
WelfareConfig.ready() in one call: the duty that a decision not to charge opens (in
the outcome's own transaction), the same duty for a victim added later, the duties
the contact form offers, the case page's section and the demo."""


def register() -> None:
    from agencies.demo import demo_seeder_register
    from cases.events import (
        INVESTIGATION_EVENT_RECORDED,
        PARTY_ADDED,
        PARTY_UPDATES_OWED,
        handler_register,
    )
    from cases.panels import case_panel_register
    from welfare.case_panels.right_to_review import right_to_review_panels
    from welfare.demo_right_to_review import seed_right_to_review_demo
    from welfare.services import right_to_review_duties

    handler_register(
        INVESTIGATION_EVENT_RECORDED,
        "welfare.right_to_review",
        right_to_review_duties.on_event_recorded,
    )
    handler_register(PARTY_ADDED, "welfare.right_to_review", right_to_review_duties.on_party_added)
    handler_register(
        PARTY_UPDATES_OWED, "welfare.right_to_review", right_to_review_duties.party_rights_owed
    )
    case_panel_register("welfare.right_to_review", right_to_review_panels)
    demo_seeder_register(
        order=49, name="victims' right to review", seeder=seed_right_to_review_demo
    )
