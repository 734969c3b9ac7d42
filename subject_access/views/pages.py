"""The records manager's pages for subject access requests: the list (soonest due
first, a keyset page at a time), recording a request, its page (deadline, state,
what was gathered), its moves, the review of what names other people, and the
download of the export."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from agencies import access
from agencies.working_days import working_days_between
from common.keyset import keyset_page_for_request
from common.pages import capability_required, form_save
from subject_access.forms import PersonSearchForm, ReasonForm, RequestForm, ReviewForm, VersionForm
from subject_access.models import ItemDecision, RequestState
from subject_access.selectors import requests as selectors
from subject_access.services import requests as services
from subject_access.services.export import sar_export_zip
from subject_access.services.moves import MOVES

PER_PAGE = 50
VIEW = "subject_access.request.view"
MANAGE = "subject_access.request.manage"

# The moves made by a button alone, and those that take a reason on a page of their own.
BUTTON_MOVES = {
    "start": services.sar_start,
    "build": services.sar_export_build,
    "release": services.sar_release,
}
REASON_MOVES = {
    "extend": (
        services.sar_extend,
        "Why is the request complex enough to need two more months?",
        "Extend the deadline",
    ),
    "refuse": (
        services.sar_refuse,
        "Why is the request refused? Name the exemption or ground relied on.",
        "Refuse the request",
    ),
    "withdraw": (
        services.sar_withdraw,
        "How and when did the requester withdraw it?",
        "Record the withdrawal",
    ),
}
DONE = {
    "start": "Gathering has started.",
    "build": "The records were gathered. Review the items that name other people.",
    "release": "The export was released.",
    "extend": "The deadline was extended.",
    "refuse": "The request was refused.",
    "withdraw": "The request was recorded as withdrawn.",
    "review": "The review was recorded.",
}


def _detail_url(request_id) -> str:
    return reverse("subject-access-request-detail", args=[request_id])


def _deadline(sar) -> dict:
    today = timezone.localdate()
    overdue = sar.is_open and sar.response_due_on < today
    return {
        "overdue": overdue,
        "working_days_late": working_days_between(sar.response_due_on, today) if overdue else 0,
    }


@capability_required(VIEW)
@require_GET
def request_list(request):
    show = "all" if request.GET.get("show") == "all" else "open"
    found = selectors.sar_list(actor=request.user, show=show)
    page = keyset_page_for_request(request, found, page_size=PER_PAGE)
    selectors.sar_list_logged(actor=request.user, requests=page.object_list)
    today = timezone.localdate()
    return render(
        request,
        "subject_access/request_list.html",
        {"page": page, "requests": page.object_list, "show": show, "today": today},
    )


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def request_create(request):
    search = PersonSearchForm(request.GET or None)
    found = []
    if search.is_bound and search.is_valid():
        found = selectors.sar_person_search(
            actor=request.user,
            text=search.cleaned_data["q"],
            date_of_birth=search.cleaned_data["dob"],
        )
    chosen = []
    if request.method == "POST":
        chosen, _ = selectors.sar_people_chosen(
            actor=request.user, person_ids=request.POST.getlist("subjects")
        )
    people = list({person.pk: person for person in [*chosen, *found]}.values())
    form = RequestForm(request.POST if request.method == "POST" else None, people=people)
    if request.method == "POST" and form.is_valid():
        created = []
        saved = form_save(
            form,
            lambda **values: created.append(services.sar_create(**values)),
            actor=request.user,
            **form.request_values(),
        )
        if saved:
            messages.success(request, "The request was recorded.")
            return redirect(_detail_url(created[0].pk))
    return render(
        request,
        "subject_access/request_form.html",
        {"form": form, "search": search, "searched": search.is_bound, "found": found},
        status=400 if form.errors else 200,
    )


@capability_required(VIEW)
@require_GET
def request_detail(request, request_id):
    sar = selectors.sar_get_for_actor(actor=request.user, request_id=request_id)
    items = list(selectors.sar_items(request=sar))
    moves = [
        move
        for move in MOVES.values()
        if move.open_from(sar.state)
        and move.name != "review"
        and access.can(request.user, move.capability)
    ]
    return render(
        request,
        "subject_access/request_detail.html",
        {
            "sar": sar,
            "subjects": list(selectors.sar_subjects(request=sar)),
            "items": items,
            "marked": [item for item in items if item.needs_review],
            "pending": [
                item
                for item in items
                if item.needs_review and item.decision == ItemDecision.PENDING
            ],
            "withheld": [item for item in items if item.decision == ItemDecision.WITHHOLD],
            "button_moves": [m for m in moves if m.name in BUTTON_MOVES],
            "reason_moves": [m for m in moves if m.name in REASON_MOVES],
            "may_review": sar.state == RequestState.IN_REVIEW and access.can(request.user, MANAGE),
            **_deadline(sar),
        },
    )


@capability_required(VIEW)
@require_http_methods(["GET", "POST"])
def request_move(request, request_id, move):
    """A move of the request: a button's (start, build, release: POST only), or one
    that takes a reason on a page of its own (extend, refuse, withdraw)."""
    if move in REASON_MOVES:
        return _reason_move(request, request_id, move)
    if move not in BUTTON_MOVES:
        raise Http404()
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    sar = selectors.sar_get_for_actor(actor=request.user, request_id=request_id, log=False)
    if not access.can(request.user, MOVES[move].capability):
        raise Http404()
    form = VersionForm(request.POST)
    form.is_valid()
    version = form.cleaned_data.get("version")
    saved = form_save(
        form, BUTTON_MOVES[move], actor=request.user, request=sar, expected_version=version
    )
    if saved:
        messages.success(request, DONE[move])
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(_detail_url(sar.pk))


def _reason_move(request, request_id, move):
    service, question, submit = REASON_MOVES[move]
    sar = selectors.sar_get_for_actor(actor=request.user, request_id=request_id, log=False)
    if not access.can(request.user, MOVES[move].capability):
        raise Http404()
    form = ReasonForm(
        request.POST if request.method == "POST" else None, initial={"version": sar.version}
    )
    form.fields["reason"].label = question
    if request.method == "POST" and form.is_valid():
        values = {"reason": form.cleaned_data["reason"]}
        if form_save(
            form,
            service,
            actor=request.user,
            request=sar,
            expected_version=form.cleaned_data.get("version"),
            **values,
        ):
            messages.success(request, DONE[move])
            return redirect(_detail_url(sar.pk))
        if "extension_reason" in form.errors:
            form.errors["reason"] = form.errors.pop("extension_reason")
    else:
        selectors.sar_read_log(actor=request.user, request=sar)
    return render(
        request,
        "subject_access/reason_form.html",
        {
            "sar": sar,
            "form": form,
            "move": MOVES[move],
            "submit": submit,
            "sar_url": _detail_url(sar.pk),
        },
        status=400 if form.errors else 200,
    )


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def request_review(request, request_id):
    sar = selectors.sar_get_for_actor(actor=request.user, request_id=request_id)
    items = list(selectors.sar_items_for_review(request=sar))
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        items=items,
        initial={"version": sar.version},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(
            form,
            services.sar_review_record,
            actor=request.user,
            request=sar,
            reviews=form.reviews(),
            expected_version=form.cleaned_data.get("version"),
        )
    ):
        messages.success(request, DONE["review"])
        return redirect(_detail_url(sar.pk))
    return render(
        request,
        "subject_access/review_form.html",
        {"sar": sar, "form": form},
        status=400 if form.errors else 200,
    )


@capability_required(VIEW)
@require_GET
def request_download(request, request_id):
    sar = selectors.sar_get_for_actor(actor=request.user, request_id=request_id, log=False)
    if sar.export_built_at is None:
        raise Http404()
    name, content = sar_export_zip(actor=request.user, request=sar)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
