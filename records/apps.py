from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Information governance over the case record (issue 19): the chronology, the case
    summary to print, and the retention, review and disposal of closed cases. It reads
    every app's records, so it sits above them all and nothing imports it."""

    name = "records"
    verbose_name = "Records"

    def ready(self) -> None:
        from records.wiring import chronology, retention, summary

        chronology.register()
        summary.register()
        retention.register()
