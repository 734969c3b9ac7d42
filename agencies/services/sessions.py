"""Which browser sessions belong to whom. Django's session store is keyed by the
session alone, so the sign-in writes a UserSession row beside each session; ending
a person's sessions deletes them from the store through that index, whatever
SESSION_ENGINE is configured."""

from importlib import import_module
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from agencies.audit import access_log_record
from agencies.models import UserSession


def _session_store() -> type[SessionBase]:
    return cast(type[SessionBase], import_module(settings.SESSION_ENGINE).SessionStore)


def session_index(*, user: User, session_key: str) -> None:
    UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def session_unindex(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def sessions_end_for_user(*, actor: User, user: User, reason: str) -> int:
    """Deletes every session of `user` on the server, so that no cookie, however
    old, signs them in again: not after reactivation, not after a new authenticator."""
    store = _session_store()
    with transaction.atomic():
        keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
        for key in keys:
            store(session_key=key).delete()
        UserSession.objects.filter(session_key__in=keys).delete()
        if keys:
            access_log_record(
                actor=actor,
                action="agencies.sessions.ended",
                object_type="user",
                object_id=user.pk,
                justification=f"{len(keys)} session(s): {reason}",
            )
    return len(keys)


def session_index_purge() -> int:
    """No session outlives the absolute limit, so older index rows point at nothing."""
    cutoff = timezone.now() - settings.SESSION_ABSOLUTE_TIMEOUT
    count, _ = UserSession.objects.filter(created_at__lt=cutoff).delete()
    return count
