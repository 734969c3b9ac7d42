"""What the access log page needs besides its entries: the names behind the slugs
and user ids that an entry stores, read once for a whole page."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from agencies import access
from agencies.models import AccessLogEntry, Agency


def access_log_names(
    *, actor: AbstractBaseUser, entries: Iterable[AccessLogEntry]
) -> tuple[dict[str, str], dict[int, str]]:
    """The agencies' names by slug, and the names of the people who acted, by user
    id, for entries the actor may read (nothing for an actor who may not read the
    log). Two queries, whatever the page holds."""
    entries = list(entries)
    if not entries or not access.can(actor, "audit.access_log.view"):
        return {}, {}
    agencies = dict(Agency.objects.values_list("slug", "name"))
    user_ids = {entry.user_id for entry in entries if entry.user_id is not None}
    people = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model()
        .objects.filter(pk__in=user_ids)
        .only("id", "username", "first_name", "last_name")
    }
    return agencies, people
