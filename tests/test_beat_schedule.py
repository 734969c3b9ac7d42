"""Every task the beat schedule names exists under that name, so a typo cannot
silently stop a deadline sweep."""

from django.conf import settings

from config.celery import app


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "agencies.tasks.access_log_seal",
        "agencies.tasks.expired_credentials_purge",
        "cases.tasks.grants_expiry_sweep",
        "cases.tasks.reminders_sweep",
        "cases.tasks.stored_files_orphans_sweep",
        "common.tasks.notification_emails_sweep",
        "safeguarding.tasks.deadlines_sweep",
        "referrals.tasks.deadlines_sweep",
        "referrals.tasks.concern_escalations_sweep",
        "welfare.tasks.duties_sweep",
        "intake.tasks_preservation.preservation_sweep",
        "intake.tasks.packages_raw_dispose_sweep",
        "subject_access.tasks.deadlines_sweep",
    }
    assert scheduled <= set(app.tasks)
