"""What subject access registers with the apps below it at start-up."""


def register() -> None:
    """Called once from SubjectAccessConfig.ready()."""
