"""Signing in: a password, then a TOTP code. Shared by the pages and the token API,
so both count failures, lock out and log in exactly the same way."""

from typing import cast

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.access import membership_of
from agencies.audit import access_log_record
from agencies.lockout import LOCKED_MESSAGE, username_is_locked
from agencies.models import AccessOutcome
from agencies.services.sessions import session_index, session_unindex

# One message for every kind of failure, so that no answer reveals whether a
# username exists or which part was wrong.
FAILED_MESSAGE = "The username, password or security code is not right."

# The session key under which an ended session leaves its reason for the sign-in page.
SIGNED_OUT_REASON = "signed_out_reason"


class SignInFailed(Exception):
    def __init__(self, message: str, *, locked: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.locked = locked


def _refuse(request: HttpRequest, username: str, *, locked: bool) -> SignInFailed:
    access_log_record(
        actor=None,
        username=username,
        action="agencies.sign_in.locked_out" if locked else "agencies.sign_in.failed",
        outcome=AccessOutcome.DENIED if locked else AccessOutcome.FAILED,
    )
    return SignInFailed(LOCKED_MESSAGE if locked else FAILED_MESSAGE, locked=locked)


def password_check(
    *, request: HttpRequest, username: str, password: str
) -> tuple[User, TOTPDevice]:
    """The first factor, and the person and their authenticator for the second.
    Raises SignInFailed; counts the failure towards lockout.

    Someone who has not finished enrolment (a new account, or one whose
    authenticator was reset) is refused here in the same words and counted the same
    way as a wrong password, even when the password is right: only the enrolment
    link lets them in, and no answer may confirm a password."""
    username = username.strip()
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise _refuse(request, username, locked=True)
    if user is None or membership_of(user) is None:
        raise _refuse(request, username, locked=False)
    device = confirmed_device(user)
    if device is None:
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
        raise _refuse(request, username, locked=getattr(request, "axes_locked_out", False))
    return user, device


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def code_check(*, request: HttpRequest, user: User, code: str, device: TOTPDevice) -> None:
    """The second factor. A wrong code counts as a failed sign-in, like a wrong password."""
    username = user.get_username()
    if username_is_locked(username):
        raise _refuse(request, username, locked=True)
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == device.digits and device.verify_token(code)):
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
        raise _refuse(request, username, locked=getattr(request, "axes_locked_out", False))


def session_start(*, request: HttpRequest, user: User, device: TOTPDevice) -> None:
    """Both factors passed: a new session key, marked verified, with its clocks started,
    and indexed under its user so that it can be ended from elsewhere."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    now = timezone.now().isoformat()
    request.session["signed_in_at"] = now
    request.session["last_seen_at"] = now
    if request.session.session_key is None:
        request.session.save()
    session_index(user=user, session_key=cast(str, request.session.session_key))
    access_log_record(actor=user, action="agencies.sign_in.succeeded")


def session_end(*, request: HttpRequest, reason: str = "signed out") -> None:
    user = request.user
    if user.is_authenticated:
        access_log_record(actor=user, action="agencies.sign_out", justification=reason)
    session_unindex(session_key=request.session.session_key)
    logout(request)


def pending_user_get(user_id: int) -> User | None:
    """The user who passed the password step, if still active."""
    return User.objects.filter(pk=user_id, is_active=True).first()
