"""What safeguarding's pages about a case's records share: the case, read for the
action the page is about, and the form page they render it with
(`safeguarding/case_form_page.html` and the templates extending it)."""

from django.http import HttpResponse
from django.shortcuts import render

from cases import selectors as case_selectors
from cases.case_tabs import case_section_url
from cases.models import Case


def case_for_page(request, case_id, action: str) -> Case:
    """The case, if the reader may take `action` on it; the read is logged on GET."""
    return case_selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action=action, log=request.method == "GET"
    )


def case_form_page(
    request, template: str, *, form, case: Case, section: str, **context
) -> HttpResponse:
    """A form page about a case's records: `section` is the part of the case page its
    back link and Cancel go to; `context` adds the heading and what the page shows."""
    return render(
        request,
        template,
        {
            "form": form,
            "case": case,
            "section": section,
            # The tab of the case page that shows the section (cases.case_tabs).
            "section_url": case_section_url(case.pk, section),
            **context,
        },
    )
