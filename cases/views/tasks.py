"""Pages for tasks: giving one on a case, and marking one done or cancelling it.
The case page lists the open ones (cases.templatetags.task_tags.case_tasks) and the
home page the reader's own; both link here."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from agencies import access
from agencies.models import Role
from agencies.selectors import member_list_for_casework
from cases import selectors
from cases.case_tabs import case_section_url
from cases.forms import UKDateField
from cases.models import Case, Task, TaskStatus
from cases.selectors.tasks import task_get_for_actor
from cases.services import tasks as task_services
from cases.views.common import refused_on_case
from common.dates import day_text
from common.errors import InvalidState, NotFound
from common.pages import capability_required, form_save

_ASSIGNEE_MESSAGE = "Choose an active caseworker of your agency to do the task."


def _tasks_url(case: Case) -> str:
    return case_section_url(case.id, "tasks")


# --- Giving a task


class TaskForm(forms.Form):
    """Parses what was typed; the service decides what is valid (the title, the
    assignee, a due date not in the past) and its messages come back onto these fields."""

    title = forms.CharField(
        required=False,
        max_length=200,
        label="What needs doing?",
        help_text="For example, chase the platform for subscriber details.",
        error_messages={"max_length": "Say what needs doing in 200 characters or fewer."},
    )
    assignee = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Who will do it?",
        error_messages={"invalid_choice": _ASSIGNEE_MESSAGE},
    )
    due_on = UKDateField(
        label="Due date",
        error_messages={"required": "Enter the date the task is due, for example 27/03/2026."},
    )
    note = forms.CharField(
        required=False,
        label="Note (optional)",
        help_text="Anything the person doing it needs to know.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The agency's active caseworkers, as the case form's lead officer offers them.
        self.members = {m.user_id: m.user for m in members}
        self.fields["assignee"].choices = [
            ("", "Choose someone"),
            *[(str(m.user_id), m.full_name) for m in members],
        ]

    def task_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "assignee": self.members.get(data["assignee"]),
            "due_on": data["due_on"],
            "note": data["note"],
        }


@capability_required("cases.task.add")
@require_http_methods(["GET", "POST"])
def case_task_create(request, case_id):
    # A task may be given on any case the reader sees, a granted one included (the
    # task is their agency's work): the service decides, as the API's does.
    case = selectors.case_get_for_actor(actor=request.user, case_id=case_id, log=False)
    members = list(member_list_for_casework(actor=request.user))
    form = TaskForm(request.POST if request.method == "POST" else None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form_save(
                form,
                task_services.task_create,
                actor=request.user,
                case=case,
                **form.task_fields(),
            )
        except InvalidState as refused:
            # The case was closed since the form was read.
            return refused_on_case(request, case, refused)
        if saved:
            messages.success(request, "Task added.")
            return redirect(_tasks_url(case))
    context = {
        "case": case,
        "form": form,
        "case_url": reverse("case-detail", args=[case.id]),
    }
    return render(request, "cases/tasks/task_form.html", context)


# --- Marking a task done or cancelling it


class TaskChangeForm(forms.Form):
    """The version of the task the page showed: a task changed since (done or
    cancelled by someone else, say) is not changed again unseen."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TaskCancelForm(TaskChangeForm):
    reason = forms.CharField(
        required=False,
        max_length=500,
        label="Why is the task cancelled?",
        help_text="Kept in the task's history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Say why in 500 characters or fewer."},
    )


def task_may_change(user, task: Task) -> bool:
    """Whether to offer the reader the change of a task they see: its assignee, its
    creator or a supervisor (cases.services.tasks checks it again on the change)."""
    membership = access.membership_of(user)
    return (
        membership is not None
        and access.can(user, "cases.task.change")
        and (
            user.pk in (task.assignee_id, task.created_by_id)
            or membership.role == Role.POLICE_SUPERVISOR
        )
    )


def _task_page(request, task: Task, form: forms.Form, *, template: str, status: int = 200):
    context = {
        "task": task,
        "case": task.case,
        "form": form,
        "due_text": day_text(task.due_on),
        "is_open": task.status == TaskStatus.OPEN,
        "case_url": reverse("case-detail", args=[task.case_id]),
    }
    return render(request, template, context, status=status)


def _change_task(request, task_id, *, template: str, form_class, change, done_message: str):
    """The confirmation page of a change of one task (GET), and the change (POST):
    404 for a task out of the reader's scope or not theirs to change, the service's
    refusals on the form, 409 naming the state of a task no longer open."""
    task = task_get_for_actor(actor=request.user, task_id=task_id, log=request.method == "GET")
    if not task_may_change(request.user, task):
        # Seen, but not theirs to change: the page is not there, as the POST would say.
        raise NotFound()
    # Bound by the method, not by its data: marking done posts only the version.
    form = form_class(
        request.POST if request.method == "POST" else None, initial={"version": task.version}
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            saved = form_save(
                form,
                change,
                actor=request.user,
                task=task,
                expected_version=values.pop("version"),
                **values,
            )
        except InvalidState as refused:
            form.add_error(None, refused.message)
            task.refresh_from_db(fields=["status"])
            return _task_page(request, task, form, template=template, status=409)
        if saved:
            messages.success(request, done_message)
            return redirect(_tasks_url(task.case))
        if form.non_field_errors():
            # Changed since the page was read: show it as it is now, with the 412.
            task.refresh_from_db()
            return _task_page(request, task, form, template=template, status=412)
    return _task_page(request, task, form, template=template)


@capability_required("cases.task.change")
@require_http_methods(["GET", "POST"])
def task_complete_page(request, task_id):
    return _change_task(
        request,
        task_id,
        template="cases/tasks/task_complete.html",
        form_class=TaskChangeForm,
        change=task_services.task_complete,
        done_message="Task marked as done.",
    )


@capability_required("cases.task.change")
@require_http_methods(["GET", "POST"])
def task_cancel_page(request, task_id):
    return _change_task(
        request,
        task_id,
        template="cases/tasks/task_cancel.html",
        form_class=TaskCancelForm,
        change=task_services.task_cancel,
        done_message="Task cancelled.",
    )


urlpatterns = [
    path("cases/<uuid:case_id>/tasks/new/", case_task_create, name="case-task-create"),
    path("tasks/<uuid:task_id>/complete/", task_complete_page, name="task-complete-page"),
    path("tasks/<uuid:task_id>/cancel/", task_cancel_page, name="task-cancel-page"),
]
