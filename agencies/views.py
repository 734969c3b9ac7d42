"""The agencies pages: signing in (password, then code), enrolment through a
one-time link, the reader's profile, people management for agency admins, and the
access log for auditors."""

from base64 import b32encode
from datetime import datetime, timedelta

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies import selectors
from agencies.access import can
from agencies.audit import access_list_record
from agencies.filters import AccessLogPageFilter
from agencies.forms import (
    CodeForm,
    EnrolmentForm,
    MemberChangeForm,
    MemberCreateForm,
    ReasonForm,
    SignInForm,
)
from agencies.services import members as member_services
from agencies.services.enrolment import (
    EnrolmentLinkUnusable,
    IssuedEnrolmentLink,
    enrolment_complete,
    enrolment_device_for,
    enrolment_link_get_usable,
)
from agencies.services.sign_in import (
    FAILED_MESSAGE,
    SIGNED_OUT_REASON,
    SignInFailed,
    code_check,
    confirmed_device,
    password_check,
    pending_user_get,
    session_end,
    session_start,
)
from common.errors import InvalidState, NotFound, ValidationError
from common.keyset import keyset_page_for_request
from common.pages import capability_required, form_errors_from, form_save, signed_in_required

# How long a passed password stays good for entering the code.
_PENDING_FOR = timedelta(minutes=5)


# --- Signing in


def _pending_user(request) -> User | None:
    pending = request.session.get("pending_sign_in")
    if not pending:
        return None
    if timezone.now() - datetime.fromisoformat(pending["at"]) > _PENDING_FOR:
        request.session.pop("pending_sign_in", None)
        return None
    return pending_user_get(pending["user_id"])


def _next_url(request) -> str:
    candidate = request.session.get("sign_in_next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return reverse("home")


def _sign_in_failed_page(request, *, username: str, message: str, status: int):
    """Every failed sign-in, at either step and for any reason, ends any half-finished
    sign-in and answers with this one page: the same words, the same status, the
    username as typed. Nothing in it tells a wrong password from a wrong code, an
    unknown username or an account that has not enrolled."""
    request.session.pop("pending_sign_in", None)
    form = SignInForm(initial={"username": username})
    # An unbound form has no cleaned_data, which add_error needs.
    form.cleaned_data = {}
    form.add_error(None, message)
    return render(request, "agencies/sign_in.html", {"form": form}, status=status)


def _signed_in(request, *, user: User, device: TOTPDevice) -> str:
    """Starts the session and returns where to go. The half-finished sign-in is
    not carried into the signed-in session."""
    next_url = _next_url(request)
    session_start(request=request, user=user, device=device)
    request.session.pop("pending_sign_in", None)
    request.session.pop("sign_in_next", None)
    return next_url


@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect("home")
    form = SignInForm(request.POST or None)
    if request.method == "GET":
        request.session["sign_in_next"] = request.GET.get("next", "")
        signed_out_reason = request.session.pop(SIGNED_OUT_REASON, None)
        if signed_out_reason:
            messages.info(request, signed_out_reason)
    elif form.is_valid():
        try:
            user, _ = password_check(request=request, **form.cleaned_data)
        except SignInFailed as failure:
            return _sign_in_failed_page(
                request,
                username=form.cleaned_data["username"],
                message=failure.message,
                status=429 if failure.locked else 200,
            )
        request.session["pending_sign_in"] = {
            "user_id": user.pk,
            "at": timezone.now().isoformat(),
        }
        return redirect("sign-in-code")
    return render(request, "agencies/sign_in.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Enter your username and password first.")
        return redirect("sign-in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = confirmed_device(user)
        if device is None:
            # The authenticator was reset since the password step.
            return _sign_in_failed_page(
                request, username=user.get_username(), message=FAILED_MESSAGE, status=200
            )
        try:
            code_check(request=request, user=user, code=form.cleaned_data["code"], device=device)
        except SignInFailed as failure:
            return _sign_in_failed_page(
                request,
                username=user.get_username(),
                message=failure.message,
                status=429 if failure.locked else 200,
            )
        next_url = _signed_in(request, user=user, device=device)
        return redirect(next_url)
    return render(request, "agencies/sign_in_code.html", {"form": form})


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _enrolment_link_unusable_page(request):
    # One page, one status, for a link that is unknown, used, replaced or expired.
    return render(
        request,
        "agencies/enrol_link_unusable.html",
        {"message": EnrolmentLinkUnusable.message},
        status=404,
    )


@require_http_methods(["GET", "POST"])
def enrol(request, token):
    """The page behind an enrolment link: the person sets their own password and
    adds Tideline to their authenticator app, then is signed in."""
    try:
        link = enrolment_link_get_usable(raw=token)
    except EnrolmentLinkUnusable:
        return _enrolment_link_unusable_page(request)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, device = enrolment_complete(raw=token, **form.cleaned_data)
        except EnrolmentLinkUnusable:
            return _enrolment_link_unusable_page(request)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            request.session.pop("pending_sign_in", None)
            session_start(request=request, user=user, device=device)
            messages.success(request, "Your password and authenticator app are set up.")
            return redirect("home")
    device = enrolment_device_for(link=link)
    context = {
        "form": form,
        "person": link.user,
        "qr_svg": _qr_svg(device.config_url),
        "secret": _grouped(b32encode(device.bin_key).decode()),
    }
    return render(request, "agencies/enrol.html", context)


@require_POST
def sign_out(request):
    session_end(request=request)
    messages.success(request, "You have signed out.")
    return redirect("sign-in")


# --- Profile (home itself is calendars.home: it reads every app's work)


@signed_in_required
@require_http_methods(["GET"])
def profile(request):
    """Who the reader is here: their name, agency, role and team (the signed-in
    member of every page's context), and the links their role has to the agency's
    administration and the access log."""
    return render(request, "agencies/profile.html")


# --- People (agency admins)


@capability_required("agencies.member.view")
def member_list(request):
    members = list(selectors.member_list(actor=request.user))
    access_list_record(actor=request.user, records=members)
    return render(request, "agencies/member_list.html", {"members": members})


@capability_required("agencies.member.manage")
@require_http_methods(["GET", "POST"])
def member_create(request):
    teams = list(selectors.team_list(actor=request.user))
    form = MemberCreateForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team_id = data.pop("team")
        team = next((t for t in teams if str(t.id) == team_id), None)
        try:
            membership, issued = member_services.member_create(
                actor=request.user, team=team, **data
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return _enrolment_link_page(request, membership, issued, created=True)
    return render(request, "agencies/member_form.html", {"form": form, "creating": True})


def _enrolment_link_page(request, membership, issued: IssuedEnrolmentLink, *, created: bool):
    """Shown once, in answer to the POST that made the link, and never redirected
    to: the link is not kept anywhere (only its hash is), not even in the session."""
    context = {"membership": membership, "issued": issued, "created": created}
    return render(request, "agencies/member_enrolment_link.html", context)


def _member_or_404(request, member_id):
    try:
        return selectors.member_get_for_actor(actor=request.user, member_id=member_id)
    except NotFound as exc:
        raise Http404() from exc


@capability_required("agencies.member.view")
@require_http_methods(["GET", "POST"])
def member_detail(request, member_id):
    # Viewing and changing are separate capabilities: a role that may only view must
    # not reach the service (whose refusal would otherwise surface as a server error).
    if request.method == "POST" and not can(request.user, "agencies.member.manage"):
        raise Http404()
    membership = _member_or_404(request, member_id)
    teams = list(selectors.team_list(actor=request.user))
    initial = {
        "first_name": membership.user.first_name,
        "last_name": membership.user.last_name,
        "email": membership.user.email,
        "role": membership.role,
        "team": str(membership.team_id or ""),
        "version": membership.version,
    }
    form = MemberChangeForm(request.POST or None, initial=initial, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team_id = data.pop("team")
        team = next((t for t in teams if str(t.id) == team_id), None)
        if form_save(
            form,
            member_services.member_update,
            actor=request.user,
            membership=membership,
            expected_version=data.pop("version"),
            team=team,
            clear_team=team is None,
            **data,
        ):
            messages.success(request, "The changes are saved.")
            return redirect("member-detail", member_id=membership.id)
    context = {"membership": membership, "form": form, "reason_form": ReasonForm()}
    return render(request, "agencies/member_detail.html", context)


_MEMBER_ACTIONS = {
    "deactivate": (
        member_services.member_deactivate,
        "The account is deactivated and signed out everywhere.",
    ),
    "reactivate": (member_services.member_reactivate, "The account is active again."),
    # Answered with the new enrolment link's page instead of a message.
    "reset-mfa": (member_services.member_mfa_reset, ""),
    "unlock": (member_services.member_unlock, "Sign-in is unlocked."),
}


@capability_required("agencies.member.manage")
@require_POST
def member_action(request, member_id, action):
    if action not in _MEMBER_ACTIONS:
        raise Http404()
    membership = _member_or_404(request, member_id)
    service, done = _MEMBER_ACTIONS[action]
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            result = service(
                actor=request.user, membership=membership, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, InvalidState) as error:
            messages.error(request, getattr(error, "message", None) or "; ".join(error.messages))
        else:
            if isinstance(result, IssuedEnrolmentLink):
                return _enrolment_link_page(request, membership, result, created=False)
            messages.success(request, done)
    else:
        messages.error(request, "Give a reason for this change.")
    return redirect("member-detail", member_id=membership.id)


# --- The access log (auditors)


@capability_required("audit.access_log.view")
def access_log(request):
    # The form shows the filters and, when one is wrong, the same errors the selector
    # refused them with.
    form = AccessLogPageFilter(request.GET or None).form
    entries = []
    page = None
    try:
        entries_qs = selectors.access_log_list(
            actor=request.user, filters=request.GET, filterset_class=AccessLogPageFilter
        )
    except ValidationError:
        pass
    else:
        # By keyset on the selector's ordering: no COUNT of the log, no OFFSET.
        page = keyset_page_for_request(request, entries_qs, page_size=50)
        entries = page.object_list
        access_list_record(actor=request.user, records=entries)
    return render(
        request, "agencies/access_log.html", {"form": form, "entries": entries, "page": page}
    )
