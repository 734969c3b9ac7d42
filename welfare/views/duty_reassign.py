"""The page that gives a duty to someone else (welfare.services.duty_reassign): who,
and why. Plain GOV.UK form; no JavaScript needed."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from common.errors import NotFound
from common.pages import capability_required, form_save
from welfare.models import Duty
from welfare.selectors import duties as duty_selectors
from welfare.services.duty_owners import duty_holder_list
from welfare.services.duty_reassign import duty_reassign, duty_reassign_allowed

_RESPONSIBLE_MESSAGE = "Choose an active police caseworker of the force that owns this case."


class DutyReassignForm(forms.Form):
    """Parses what was sent; the service decides what is valid and its messages
    come back onto these fields."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    responsible = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Who should hold this duty?",
        help_text="An active police caseworker of the force that owns the case.",
        error_messages={"invalid_choice": _RESPONSIBLE_MESSAGE},
    )
    reason = forms.CharField(
        required=False,
        max_length=500,
        label="Why is it reassigned?",
        help_text="Kept in the duty's history. Both people are told.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Say why in 500 characters or fewer."},
    )

    def __init__(self, *args, holders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.holders = {user.pk: user for user in holders}
        self.fields["responsible"].choices = [
            ("", "Choose someone"),
            *[(str(user.pk), user.get_full_name() or user.get_username()) for user in holders],
        ]


def _back(request, duty: Duty) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("case-detail", args=[duty.case_id])


@capability_required("welfare.duty.meet")
@require_http_methods(["GET", "POST"])
def duty_reassign_page(request, duty_id):
    duty = duty_selectors.duty_get_for_actor(
        actor=request.user, duty_id=duty_id, action="welfare.duty.meet"
    )
    if not duty_reassign_allowed(actor=request.user, duty=duty):
        # Seen, but not theirs to give away: the page is not there, as for tasks.
        raise NotFound()
    holders = duty_holder_list(duty.case)
    form = DutyReassignForm(
        request.POST if request.method == "POST" else None,
        holders=holders,
        initial={"version": duty.version, "responsible": duty.responsible_id},
    )
    back = _back(request, duty)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        previous = duty.responsible
        saved = form_save(
            form,
            duty_reassign,
            actor=request.user,
            duty=duty,
            to=form.holders.get(data["responsible"]),
            reason=data["reason"],
            expected_version=data["version"],
        )
        if saved:
            # The service tells the one who held it only if they can still sign in.
            told_both = previous is not None and previous.is_active
            messages.success(
                request,
                "Duty reassigned. Both people have been told."
                if told_both
                else "Duty reassigned. The person now responsible has been told.",
            )
            return redirect(back)
        if form.non_field_errors():
            # Changed since the page was read: show it as it is now, with the 412.
            duty.refresh_from_db()
            status = 412
    return render(
        request,
        "welfare/duties/duty_reassign.html",
        {
            "duty": duty,
            "case": duty.case,
            "form": form,
            "back": back,
            "is_open": duty.is_open,
        },
        status=status,
    )


urlpatterns = [
    path("duties/<uuid:duty_id>/reassign/", duty_reassign_page, name="duty-reassign-page"),
]
