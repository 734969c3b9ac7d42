from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self) -> None:
        from agencies.demo import demo_seeder_register
        from cases.events import CASE_TRANSFERRED, handler_register
        from cases.panels import case_panel_register
        from referrals.case_panels.involvement import involvement_panels
        from referrals.case_panels.referrals import concern_panels, referral_panels
        from referrals.demo import seed_referrals
        from referrals.demo_concerns import seed_concerns
        from referrals.demo_partners import seed_partner_work
        from referrals.services.case_transfer import on_case_transferred

        handler_register(CASE_TRANSFERRED, "referrals.open", on_case_transferred)
        case_panel_register("referrals", referral_panels)
        case_panel_register("referrals.involvement", involvement_panels)
        case_panel_register("concerns", concern_panels)
        demo_seeder_register(order=30, name="referrals", seeder=seed_referrals)
        # After the duties of care (order 40): the hub's onward referral meets one.
        demo_seeder_register(order=41, name="partners' work", seeder=seed_partner_work)
        # After the duties of care, which the referrals above already answer.
        demo_seeder_register(order=50, name="urgent concerns", seeder=seed_concerns)
