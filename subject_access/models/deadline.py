"""The response deadline of a subject access request: calendar months from receipt,
as the ICO counts them (docs/adr/0014-subject-access.md).

* One calendar month: from the day of receipt to the corresponding calendar date of
  the next month (received 3 March, due 3 April).
* No corresponding date (received 31 January, no 31 February): the last day of that
  month (28 or 29 February).
* The date falls on a weekend or a bank holiday (or a closure day of the one
  calendar, `agencies.working_days`): the next working day.
* An extension for a complex request (UK GDPR article 12(3)) is two further months:
  three calendar months from receipt, by the same rule.
"""

from datetime import date

from agencies.working_days import is_working_day, next_working_day
from common.dates import months_after

RESPONSE_MONTHS = 1
EXTENSION_MONTHS = 2


def response_due_on(received_on: date, *, months: int = RESPONSE_MONTHS) -> date:
    """The day the response is due: `months` calendar months from receipt, moved to
    the next working day when that day is not one."""
    # The corresponding date, or the month's last day when it has none (common.dates).
    due = months_after(received_on, months)
    return due if is_working_day(due) else next_working_day(due)


def extended_due_on(received_on: date) -> date:
    """The deadline of a request extended for complexity: two months more."""
    return response_due_on(received_on, months=RESPONSE_MONTHS + EXTENSION_MONTHS)
