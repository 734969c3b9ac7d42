from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from agencies.demo import demo_seeder_register
        from cases.demo import seed_cases, seed_closures
        from cases.demo_merge import seed_person_merges
        from cases.demo_transfer import seed_transfer

        demo_seeder_register(order=10, name="cases", seeder=seed_cases)
        # Last: its arrest opens duties of care through welfare's handlers.
        demo_seeder_register(order=60, name="transfer", seeder=seed_transfer)
        # Issue 19: two duplicates of one girl, and a merge made and undone.
        demo_seeder_register(order=85, name="person merges", seeder=seed_person_merges)
        # After everything that records on the demo cases.
        demo_seeder_register(order=90, name="closed cases", seeder=seed_closures)
