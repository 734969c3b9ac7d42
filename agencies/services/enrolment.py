"""Enrolment links: the one way into a new account, or back into one whose
authenticator was reset. An agency admin is given the link once and passes it on;
through it the person sets their own password and enrols their authenticator.
Until then the account cannot sign in at all, whatever password it has.

The link carries 32 random bytes; only their SHA-256 is stored, so a copy of the
database cannot be turned into working links. A link works once, for 72 hours, and
a new one for the same person ends every earlier one."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.audit import access_member_record
from agencies.models import EnrolmentLink, Membership
from agencies.services.tokens import secret_hash
from common.errors import ValidationError
from common.history import history_note

ENROLMENT_LINK_LIFETIME = timedelta(hours=72)


class EnrolmentLinkUnusable(Exception):
    """Unknown, used, replaced, expired, or its person deactivated: never told apart."""

    message = "This link has expired or has already been used. Ask your agency admin for a new one."


@dataclass(frozen=True)
class IssuedEnrolmentLink:
    """A link just made. `url` holds the secret and is shown once; it is not kept."""

    link: EnrolmentLink
    url: str

    @property
    def expires_at(self) -> datetime:
        return self.link.expires_at


def enrolment_link_issue(
    *, actor: User, membership: Membership, reason: str
) -> IssuedEnrolmentLink:
    """Called by the member services, which have already checked the policy, inside
    their transaction. Earlier links stop working, and so does any authenticator
    half set up through one of them: whoever saw that page knows its key."""
    now = timezone.now()
    user = membership.user
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        for earlier in EnrolmentLink.objects.select_for_update().filter(
            user=user, used_at__isnull=True, revoked_at__isnull=True
        ):
            earlier.revoked_at = now
            history_note(earlier, actor=actor, reason="replaced by a new link")
            earlier.save(update_fields=["revoked_at"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        link = EnrolmentLink(
            user=user,
            token_hash=secret_hash(raw),
            created_by=actor,
            created_at=now,
            expires_at=now + ENROLMENT_LINK_LIFETIME,
        )
        history_note(link, actor=actor, reason=reason)
        link.save()
        access_member_record(
            actor=actor,
            action="agencies.enrolment_link.issued",
            membership=membership,
            justification=reason,
        )
    url = settings.SITE_URL.rstrip("/") + reverse("enrol", kwargs={"token": raw})
    return IssuedEnrolmentLink(link=link, url=url)


def enrolment_links_revoke(*, actor: User, user: User, reason: str) -> int:
    """Ends the person's unused links (on deactivation): a link is no way back in."""
    now = timezone.now()
    count = 0
    with transaction.atomic():
        for link in EnrolmentLink.objects.select_for_update().filter(
            user=user, used_at__isnull=True, revoked_at__isnull=True
        ):
            link.revoked_at = now
            history_note(link, actor=actor, reason=reason)
            link.save(update_fields=["revoked_at"])
            count += 1
    return count


def _usable(raw: str, *, for_update: bool = False) -> EnrolmentLink:
    links = EnrolmentLink.objects.select_related("user", "user__membership__agency")
    if for_update:
        links = links.select_for_update(of=("self",))
    link = links.filter(token_hash=secret_hash(raw or "")).first()
    if (
        link is None
        or link.used_at is not None
        or link.revoked_at is not None
        or timezone.now() >= link.expires_at
        or not link.user.is_active
    ):
        raise EnrolmentLinkUnusable()
    return link


def enrolment_link_get_usable(*, raw: str) -> EnrolmentLink:
    """The link, if it may still be used. Raises EnrolmentLinkUnusable otherwise."""
    return _usable(raw)


def enrolment_device_for(*, link: EnrolmentLink) -> TOTPDevice:
    """The authenticator being set up through this link: one per person until it is
    confirmed, so the key shown stays the same if the page is opened again."""
    device = TOTPDevice.objects.filter(user=link.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=link.user, name="Authenticator app", confirmed=False
        )
    return device


def _password_errors(user: User, password: str, password_again: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not password:
        errors["password"] = ["Enter a new password."]
    else:
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if not password_again:
        errors["password_again"] = ["Enter your new password again."]
    elif password and password_again != password:
        errors["password_again"] = ["The passwords do not match. Enter the same password twice."]
    return errors


def enrolment_complete(
    *, raw: str, password: str, password_again: str, code: str
) -> tuple[User, TOTPDevice]:
    """Sets the person's own password and confirms their authenticator, then spends
    the link. Raises EnrolmentLinkUnusable, or ValidationError naming each field.

    The code is checked only once both passwords are acceptable: a right code is
    spent by checking it, and the person should not have to wait for the next one."""
    with transaction.atomic():
        link = _usable(raw, for_update=True)
        user = link.user
        errors = _password_errors(user, password, password_again)
        code = "".join((code or "").split())
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if not code:
            errors["code"] = ["Enter the 6-digit security code from your authenticator app."]
        elif not errors and not (
            device is not None
            and code.isdigit()
            and len(code) == device.digits
            and device.verify_token(code)
        ):
            errors["code"] = [
                "The security code is not right. Enter the code your authenticator app shows now."
            ]
        if errors:
            raise ValidationError(errors)
        user.set_password(password)
        user.save(update_fields=["password"])
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator per person: the one just confirmed.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        link.used_at = timezone.now()
        history_note(link, actor=user, reason="used: password set and authenticator enrolled")
        link.save(update_fields=["used_at"])
        access_member_record(
            actor=user, action="agencies.enrolment.completed", membership=user.membership
        )
    return user, device
