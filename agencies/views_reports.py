"""The Reports page (issue 18): the statistics reports the reader may read, each
with the one question it answers, under one item of the menu. It lists links, no
records, so there is nothing to log; a reader who may read no report finds no page."""

from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from agencies.access import SIGNED_IN
from agencies.navigation import readable_reports
from common.pages import capability_required


@capability_required(SIGNED_IN)
@require_GET
def reports_page(request):
    reports = [
        {"label": report.label, "href": reverse(report.url_name), "answers": report.answers}
        for report in readable_reports(request.user)
    ]
    if not reports:
        raise Http404()
    return render(request, "agencies/reports.html", {"reports": reports})


urlpatterns = [path("reports/", reports_page, name="reports")]
