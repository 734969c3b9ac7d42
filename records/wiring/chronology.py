"""What the chronology part of records registers with the apps below it at start-up."""


def register() -> None:
    """Called once from RecordsConfig.ready()."""
