from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """The front door for online reports: NCA and NCMEC referral packages imported,
    their identifiers indexed, bundled, deconflicted across forces, triaged and
    decided. It sits above cases, safeguarding and welfare, and below the calendar."""

    name = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from agencies.demo import demo_seeder_register
        from intake.demo import seed_intake_demo

        # After the risk scales (5) and the cases (10): triage reads the scale, and the
        # deconfliction hit is on a Southshire case this seeder makes.
        demo_seeder_register(order=70, name="intake", seeder=seed_intake_demo)
