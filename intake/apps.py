from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """The front door for online reports: NCA and NCMEC referral packages imported,
    their identifiers indexed, bundled, deconflicted across forces, triaged and
    decided. It sits above cases, safeguarding and welfare, and below the calendar."""

    name = "intake"
    verbose_name = "Intake"
