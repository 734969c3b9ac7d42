"""Deconfliction across agencies.

PLACEHOLDER (owned by the deconfliction work, which replaces this body): the
bundling calls `item_deconflict(item=...)` for every item a batch created or
changed, inside the batch's transaction, after its triage.
"""

from intake.models import IntakeItem


def item_deconflict(*, item: IntakeItem) -> None:
    return None
