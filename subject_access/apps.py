from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    """Subject access requests (UK GDPR article 15, DPA 2018 section 45): what an agency
    holds about one person, across every app, reviewed before release (issue 19). It
    reads every app's records, so it sits above them all and nothing imports it."""

    name = "subject_access"
    verbose_name = "Subject access"

    def ready(self) -> None:
        from subject_access import wiring

        wiring.register()
