from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from agencies.demo import demo_seeder_register
        from cases.demo import seed_cases

        demo_seeder_register(order=10, name="cases", seeder=seed_cases)
