"""`manage.py closure_day add|remove|list`: how the operator records a one-off
day that is not a working day, such as a national day of mourning."""

import datetime
from argparse import ArgumentTypeError

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from agencies.models import ClosureDay
from agencies.services.calendar import closure_day_add, closure_day_remove, day_label

_STORED_DEADLINES_NOTE = (
    "Deadlines already recorded are not recalculated; only deadlines computed from now on "
    "take this change into account."
)


def _iso_date(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD.") from exc


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(message for messages in error.message_dict.values() for message in messages)
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "Adds, removes or lists one-off closure days (days that are not working days)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Make a date a closure day.")
        add.add_argument("date", type=_iso_date, help="YYYY-MM-DD")
        add.add_argument("--reason", default="", help="Why the day is closed (required).")
        remove = actions.add_parser("remove", help="Make a closure day a working day again.")
        remove.add_argument("date", type=_iso_date, help="YYYY-MM-DD")
        actions.add_parser("list", help="List the closure days.")

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            self._list()
            return
        day = options["date"]
        try:
            if action == "add":
                closure = closure_day_add(date=day, reason=options["reason"])
                self.stdout.write(f"Added closure day {day_label(day)}: {closure.reason}")
            else:
                closure_day_remove(date=day)
                self.stdout.write(f"Removed closure day {day_label(day)}.")
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from exc
        self.stdout.write(_STORED_DEADLINES_NOTE)

    def _list(self) -> None:
        closures = ClosureDay.objects.order_by("date")
        if not closures:
            self.stdout.write("No closure days.")
            return
        for closure in closures:
            label = day_label(closure.date)
            self.stdout.write(f"{closure.date.isoformat()}  {label}: {closure.reason}")
