from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0004_threshold_per_child"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("state", "sent")),
                fields=["to_agency", "decision_due_at"],
                name="referral_inbox_overdue",
            ),
        ),
    ]
