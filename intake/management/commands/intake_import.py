"""`manage.py intake_import FILE --agency SLUG --user USERNAME`: upload a referral
package and import it at once (no worker needed), then print what it made of it."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from agencies.access import membership_of
from common.errors import AccessDenied, FileTooLarge, UnsupportedFileType, ValidationError
from intake.services.packages import package_content_type_guess, package_import, package_upload


class Command(BaseCommand):
    help = "Import a referral package (JSON Lines or CSV) for an agency, as one of its users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The package: .jsonl / .ndjson (JSON Lines) or .csv")
        parser.add_argument("--agency", required=True, help="The agency's slug")
        parser.add_argument("--user", required=True, help="The username it is imported as")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        user = get_user_model().objects.filter(username=options["user"]).first()
        membership = membership_of(user) if user is not None else None
        if user is None or membership is None:
            raise CommandError(f'"{options["user"]}" is not an active member of any agency.')
        if membership.agency.slug != options["agency"]:
            raise CommandError(
                f'"{options["user"]}" is a member of {membership.agency.slug}, '
                f"not {options['agency']}."
            )
        content_type = package_content_type_guess(declared="", file_name=path.name)
        try:
            with path.open("rb") as stream:
                package = package_upload(
                    actor=user,
                    file_name=path.name,
                    stream=stream,
                    content_type=content_type,
                    size=path.stat().st_size,
                    queue_import=False,
                )
        except AccessDenied as exc:
            raise CommandError(f'"{options["user"]}" may not import packages.') from exc
        except (FileTooLarge, UnsupportedFileType) as exc:
            raise CommandError(exc.message) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        package = package_import(package_id=package.pk)
        self.stdout.write(
            f"Package {package.pk} ({package.file_name}): {package.get_state_display()}. "
            f"Processed {package.processed}, accepted {package.accepted}, "
            f"rejected {package.rejected}, duplicates {package.duplicates}."
        )
        for rejection in package.rejections.order_by("line_number", "id")[:20]:
            field = rejection.field or "the whole line"
            self.stdout.write(f"  line {rejection.line_number} ({field}): {rejection.reason}")
        if package.rejected > 20:
            self.stdout.write(f"  ... and {package.rejected - 20} more rejected lines.")
