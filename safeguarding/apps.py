from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    verbose_name = "Safeguarding"

    def ready(self) -> None:
        from agencies.demo import demo_seeder_register
        from cases.events import CASE_OPENED, CASE_TRANSFERRED, handler_register
        from cases.panels import case_panel_register
        from safeguarding.case_panels import safeguarding_panels
        from safeguarding.demo import seed_scales
        from safeguarding.demo_records import seed_safeguarding
        from safeguarding.demo_strategy import seed_strategy_plan
        from safeguarding.person_merge import register as flags_follow_person_merge
        from safeguarding.services.queue import on_case_opened, on_case_transferred

        handler_register(CASE_OPENED, "safeguarding.queue", on_case_opened)
        flags_follow_person_merge()
        handler_register(CASE_TRANSFERRED, "safeguarding.queue", on_case_transferred)
        case_panel_register("safeguarding", safeguarding_panels)
        from cases.list_columns import case_list_column_register
        from safeguarding.case_list_columns import shared_level_column

        case_list_column_register("safeguarding.level", shared_level_column, position=10)
        # Before the cases demo (order 10), so that its cases take the agencies' grades.
        demo_seeder_register(order=5, name="risk scales", seeder=seed_scales)
        demo_seeder_register(order=20, name="safeguarding", seeder=seed_safeguarding)
        # After the hub's and children's services' access to the NCMEC case (order 20).
        demo_seeder_register(order=21, name="strategy plan", seeder=seed_strategy_plan)
