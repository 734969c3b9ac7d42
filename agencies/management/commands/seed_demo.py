from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies import demo
from agencies.models import Membership
from agencies.services.members import role_group
from agencies.services.setup import agency_upsert, team_upsert


class Command(BaseCommand):
    help = "Builds the demo agencies, teams and users (idempotent; refuses with DEBUG off)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG=1: it creates accounts with a published password."
            )
        with transaction.atomic():
            teams = {}
            for slug, name, kind, service, team_specs in demo.AGENCIES:
                agency = agency_upsert(
                    slug=slug,
                    name=name,
                    kind=kind,
                    charity_service=service,
                    case_reference_prefix=demo.CASE_PREFIXES.get(slug),
                )
                for team_slug, team_name in team_specs:
                    teams[(slug, team_slug)] = team_upsert(
                        agency=agency, slug=team_slug, name=team_name
                    )
                teams[(slug, None)] = None
            for username, first, last, agency_slug, role, team_slug in demo.USERS:
                self._seed_user(
                    username, first, last, agency_slug, role, teams[(agency_slug, team_slug)]
                )
            summaries = [f"{name}: {seeder()}" for name, seeder in demo.demo_seeders()]
        for summary in summaries:
            self.stdout.write(summary)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {len(demo.AGENCIES)} agencies, {len(demo.USERS)} users. "
                f"Password: {demo.DEMO_PASSWORD}. Codes: python manage.py demo_otp USERNAME"
            )
        )

    def _seed_user(self, username, first, last, agency_slug, role, team) -> None:
        from agencies.models import Agency

        agency = Agency.objects.get(slug=agency_slug)
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@{agency_slug}.example",
                "is_active": True,
            },
        )
        if not user.check_password(demo.DEMO_PASSWORD):
            user.set_password(demo.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.set([role_group(role)])
        Membership.objects.update_or_create(
            user=user, defaults={"agency": agency, "team": team, "role": role}
        )
        TOTPDevice.objects.filter(user=user).exclude(name="Demo authenticator").delete()
        TOTPDevice.objects.update_or_create(
            user=user,
            name="Demo authenticator",
            defaults={
                "key": demo.DEMO_TOTP_KEY_HEX,
                "step": 30,
                "digits": 6,
                "t0": 0,
                "tolerance": 1,
                "drift": 0,
                "confirmed": True,
                "last_t": -1,
            },
        )
