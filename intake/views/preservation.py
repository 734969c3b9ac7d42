"""The preservation page of an intake item: when the request to the service provider
is owed, and the form recording that it was sent (the provider's reference and the
date). Recorded once: afterwards the page shows what was recorded."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.forms.fields import UKDateField
from common.pages import capability_required, form_save
from intake.selectors.items import item_get_for_actor
from intake.services.preservation import preservation_record

RECORD = "intake.preservation.record"


class PreservationForm(forms.Form):
    reference = forms.CharField(
        label="The service provider's reference",
        max_length=100,
        help_text="The reference the provider gave the preservation request.",
        error_messages={
            "required": "Enter the service provider's reference for the request.",
            "max_length": "Keep the reference to 100 characters or fewer.",
        },
    )
    sent_on = UKDateField(label="Date sent", required=False)


@capability_required(RECORD)
@require_http_methods(["GET", "POST"])
def item_preservation_page(request, item_id):
    item = item_get_for_actor(actor=request.user, item_id=item_id, action=RECORD)
    form = PreservationForm(request.POST or None, initial={"sent_on": timezone.localdate()})
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(
            form,
            preservation_record,
            actor=request.user,
            item=item,
            reference=form.cleaned_data["reference"],
            sent_on=form.cleaned_data["sent_on"],
        )
    ):
        messages.success(request, "Preservation request recorded.")
        return redirect("intake-item", item_id=item.pk)
    return render(
        request,
        "intake/preservation_form.html",
        {"item": item, "form": form, "overdue": item.preservation_due_at < timezone.now()},
    )


urlpatterns: list[URLPattern] = [
    path(
        "intake/items/<uuid:item_id>/preservation/",
        item_preservation_page,
        name="intake-item-preservation",
    ),
]
