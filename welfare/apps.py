from django.apps import AppConfig


class WelfareConfig(AppConfig):
    name = "welfare"
    verbose_name = "Welfare and duties of care"

    def ready(self) -> None:
        from agencies.demo import demo_seeder_register
        from cases.events import (
            CASE_CLOSING,
            CASE_OPEN_DUTIES,
            CASE_TRANSFERRED,
            INVESTIGATION_EVENT_RECORDED,
            PARTY_ADDED,
            handler_register,
        )
        from cases.panels import case_panel_register
        from referrals.events import REFERRAL_SENT
        from welfare.case_panels.family import family_panels
        from welfare.case_panels.suspects import suspects_panels
        from welfare.case_panels.victims import victims_panels
        from welfare.demo import seed_welfare
        from welfare.demo_history import seed_welfare_history
        from welfare.demo_staff import seed_staff_exposure
        from welfare.services import (
            case_lifecycle,
            duty_referral,
            family_duties,
            suspect_duties,
            victim_duties,
        )

        handler_register(
            INVESTIGATION_EVENT_RECORDED, "welfare.victims", victim_duties.on_event_recorded
        )
        handler_register(
            INVESTIGATION_EVENT_RECORDED, "welfare.family", family_duties.on_event_recorded
        )
        handler_register(
            INVESTIGATION_EVENT_RECORDED, "welfare.suspects", suspect_duties.on_event_recorded
        )
        handler_register(PARTY_ADDED, "welfare.victims", victim_duties.on_party_added)
        handler_register(PARTY_ADDED, "welfare.family", family_duties.on_party_added)
        handler_register(REFERRAL_SENT, "welfare.referral_duties", duty_referral.on_referral_sent)
        # Closing a case asks for its open duties and ends them; a transfer moves them.
        handler_register(CASE_OPEN_DUTIES, "welfare.duties", case_lifecycle.on_case_open_duties)
        handler_register(CASE_CLOSING, "welfare.duties", case_lifecycle.on_case_closing)
        handler_register(CASE_TRANSFERRED, "welfare.duties", case_lifecycle.on_case_transferred)
        # A contact logged on the case meets the victim updates chosen on its form.
        from cases.events import PARTY_UPDATES_OWED
        from welfare.services.victim_updates import party_updates_owed

        handler_register(PARTY_UPDATES_OWED, "welfare.victim_updates", party_updates_owed)
        # Victims' duties first: the panel a generalist officer works from.
        case_panel_register("welfare.victims", victims_panels)
        case_panel_register("welfare.family", family_panels)
        case_panel_register("welfare.suspects", suspects_panels)
        from cases.list_columns import case_list_column_register
        from welfare.case_list_columns import next_duty_column

        case_list_column_register("welfare.next_duty", next_duty_column, position=20)
        # After the referrals demo (order 30): its duties are met by those referrals.
        demo_seeder_register(order=40, name="duties of care", seeder=seed_welfare)
        demo_seeder_register(order=42, name="welfare history", seeder=seed_welfare_history)
        from welfare.demo_checks import seed_welfare_checks_demo  # issue 16

        demo_seeder_register(order=43, name="welfare checks", seeder=seed_welfare_checks_demo)
        demo_seeder_register(order=45, name="staff exposure", seeder=seed_staff_exposure)
        # A conditional caution's due date is a duty on the officer in charge (issue 16).
        from cases.events import CAUTION_COMPLIANCE_RECORDED, OUTCOME_CAUTION_CHANGED
        from welfare.demo_cautions import seed_caution_demo
        from welfare.services import caution_duties

        handler_register(
            OUTCOME_CAUTION_CHANGED, "welfare.cautions", caution_duties.on_caution_changed
        )
        handler_register(
            CAUTION_COMPLIANCE_RECORDED, "welfare.cautions", caution_duties.on_compliance_recorded
        )
        demo_seeder_register(order=47, name="conditional caution", seeder=seed_caution_demo)
        # An arrest's duties on the investigator who recorded it; a missed check that a
        # supervisor of another team covers (issue 16).
        from welfare.demo_routing import seed_duty_routing_demo

        demo_seeder_register(order=48, name="duty routing", seeder=seed_duty_routing_demo)
        # The Victims' Right to Review (issue 19, docs/adr/0017): its handlers, panel and demo.
        from welfare import right_to_review_wiring

        right_to_review_wiring.register()
