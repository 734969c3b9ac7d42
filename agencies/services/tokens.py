"""API tokens: issued for a password and a TOTP code, stored only as a hash,
expiring after 30 minutes idle or 12 hours in all, revoked by logout and by
deactivation of their user."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from agencies.audit import access_log_record
from agencies.models import ApiToken
from agencies.services.sign_in import code_check, password_check

# Writing last-used on every request would make every API read a write; a
# minute's precision is plenty against a 30-minute idle limit.
_TOUCH_EVERY = timedelta(seconds=60)


class TokenInvalid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def secret_hash(raw: str) -> str:
    """How every secret handed out (API tokens, enrolment links) is stored."""
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(
    *, request: HttpRequest, username: str, password: str, otp: str
) -> tuple[ApiToken, str]:
    """Returns the stored token and the raw value, which is shown once and never kept."""
    # The password step refuses a person who has not enrolled, in the same words as
    # any other failure: an answer that differed would confirm the password.
    user, device = password_check(request=request, username=username, password=password)
    code_check(request=request, user=user, code=otp, device=device)
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            key_hash=secret_hash(raw),
            created_at=now,
            last_used_at=now,
            expires_at=now + settings.API_TOKEN_ABSOLUTE_TIMEOUT,
        )
        access_log_record(
            actor=user, action="agencies.token.issued", object_type="api_token", object_id=token.id
        )
    return token, raw


def token_authenticate(*, raw: str) -> ApiToken:
    token = (
        ApiToken.objects.select_related(
            "user", "user__membership__agency", "user__membership__team"
        )
        .filter(key_hash=secret_hash(raw))
        .first()
    )
    now = timezone.now()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        raise TokenInvalid("This token is not valid. Request a new one.")
    if now >= token.expires_at:
        raise TokenInvalid(
            "This token has expired (12 hours since it was issued). Request a new one."
        )
    if now - token.last_used_at >= settings.API_TOKEN_IDLE_TIMEOUT:
        raise TokenInvalid("This token has expired (30 minutes unused). Request a new one.")
    if now - token.last_used_at >= _TOUCH_EVERY:
        token.last_used_at = now
        token.save(update_fields=["last_used_at"])
    # The per-request cache that access.membership_of reads (not a model field).
    membership = getattr(token.user, "membership", None)
    token.user._tideline_membership = membership  # type: ignore[attr-defined]
    return token


def _tokens_revoke(
    *, actor: User, tokens: QuerySet[ApiToken], reason: str, about: tuple[str, object]
) -> int:
    """Revoke those of `tokens` still live and log it, once, about `about` (the
    record's type and id); returns how many were revoked."""
    with transaction.atomic():
        count = tokens.filter(revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=reason[:200]
        )
        if count:
            object_type, object_id = about
            # One token's entry names it; a person's names how many of theirs ended.
            if object_type != "api_token":
                reason = f"{count} token(s): {reason}"
            access_log_record(
                actor=actor,
                action="agencies.token.revoked",
                object_type=object_type,
                object_id=object_id,
                justification=reason,
            )
    return count


def token_revoke(*, actor: User, token: ApiToken, reason: str) -> None:
    _tokens_revoke(
        actor=actor,
        tokens=ApiToken.objects.filter(pk=token.pk),
        reason=reason,
        about=("api_token", token.id),
    )


def tokens_revoke_for_user(*, actor: User, user: User, reason: str) -> int:
    return _tokens_revoke(
        actor=actor,
        tokens=ApiToken.objects.filter(user=user),
        reason=reason,
        about=("user", user.pk),
    )


def expired_credentials_purge() -> int:
    """Tokens dead for a week are of no further use; their issue and revocation stay
    in the access log."""
    cutoff = timezone.now() - timedelta(days=7)
    count, _ = ApiToken.objects.filter(expires_at__lt=cutoff).delete()
    return count
