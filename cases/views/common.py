"""What the cases pages share: the way back to a case's summary, and what a page
does when the case's state refuses the change it was asked for."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse

from cases.models import Case
from common.errors import InvalidState


def to_case(case: Case) -> HttpResponseRedirect:
    """The case's page, at its summary."""
    return redirect(f"{reverse('case-detail', args=[case.id])}#summary")


def refused_on_case(request: HttpRequest, case: Case, error: InvalidState) -> HttpResponseRedirect:
    """The case's state refused the change: back to the case, saying why."""
    messages.error(request, error.message)
    return to_case(case)
