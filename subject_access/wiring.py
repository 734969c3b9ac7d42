"""What subject access registers with the apps below it at start-up."""


def register() -> None:
    """Called once from SubjectAccessConfig.ready(): the demo's request in progress."""
    from agencies.demo import demo_seeder_register
    from subject_access.demo import seed_subject_access

    demo_seeder_register(order=96, name="subject access", seeder=seed_subject_access)
