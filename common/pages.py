"""Building blocks for server-rendered pages: who may open a page, and how a
service's validation error reaches the form's fields."""

from collections.abc import Callable
from functools import wraps

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from common.access_hooks import access_can
from common.errors import (
    AccessDenied,
    InvalidState,
    NotFound,
    PreconditionFailed,
    ValidationError,
)


def signed_in_required(view):
    """Only a session that passed both factors; others go to sign-in and come back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_verified()):
            return redirect(f"{reverse('sign-in')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return wrapper


def capability_required(action: str):
    """A page the role may not use is answered as if it did not exist."""

    def decorator(view):
        @wraps(view)
        @signed_in_required
        def wrapper(request, *args, **kwargs):
            if not access_can(request.user, action):
                raise Http404()
            try:
                return view(request, *args, **kwargs)
            except (NotFound, AccessDenied) as exc:
                # AccessDenied: a record the reader may see but not act on (a case its
                # force handed over and still reads) is a page that is not there.
                raise Http404() from exc
            except InvalidState as refused:
                # A page that does not handle the refusal itself (a closed case, say,
                # whose forms were open in another tab) answers as the API does: 409,
                # naming the state, and nothing changed.
                return render(
                    request,
                    "common/invalid_state.html",
                    {"message": refused.message, "state": refused.state},
                    status=409,
                )

        return wrapper

    return decorator


def form_errors_from(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the named field when the form
    has it, else at the top of the error summary."""
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


def form_save(form, save: Callable[..., object], /, **values: object) -> bool:
    """Call the service `save(**values)` for a valid form: True when it saved; False,
    with its refusal on the form, when it refused the values (on the named fields)
    or found the record changed since the form was read (at the top)."""
    try:
        save(**values)
    except ValidationError as error:
        form_errors_from(form, error)
    except PreconditionFailed as stale:
        form.add_error(None, stale.message)
    else:
        return True
    return False


class ReportYearForm(forms.Form):
    """The year a report page shows, from its query string."""

    year = forms.IntegerField(
        required=False,
        label="Year",
        help_text="For example, 2026",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"invalid": "Enter a year as four digits, for example 2026."},
    )


def report_for_year(request, build: Callable[[int], object]) -> tuple[ReportYearForm, object]:
    """The year form of a report page and the report `build(year)` gives: this
    year's without `?year=`; None, with the form's errors, for a year that is
    missing, not a number, or refused by the report (a year in the future)."""
    form = ReportYearForm(request.GET if "year" in request.GET else None)
    year: int | None = timezone.localdate().year
    if form.is_bound:
        if form.is_valid():
            year = form.cleaned_data["year"]
            if year is None:
                form.add_error("year", "Enter a year, for example 2026.")
        else:
            year = None
    report = None
    if year is not None:
        try:
            report = build(year)
        except ValidationError as error:
            if not form.is_bound:
                raise
            form_errors_from(form, error)
    return form, report
