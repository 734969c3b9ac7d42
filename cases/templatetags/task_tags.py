"""The case page's tasks: the reader's agency's open tasks on the case. (Home lists
the reader's own tasks from the calendar: calendars.today.)"""

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from agencies import access
from agencies.audit import access_list_record
from cases.models import TaskStatus
from cases.selectors.tasks import task_list_for_case
from cases.views.tasks import task_may_change
from common.dates import day_text

register = template.Library()


def _rows(user, tasks) -> list[dict]:
    """Each task with its due date in words, tagged overdue or due today, and
    whether the reader may mark it done or cancel it (the links to do so)."""
    today = timezone.localdate()
    return [
        {
            "task": task,
            "due_text": day_text(task.due_on),
            "overdue": task.due_on < today,
            "due_today": task.due_on == today,
            "may_change": task_may_change(user, task),
        }
        for task in tasks
    ]


@register.simple_tag(takes_context=True)
def case_tasks(context, case) -> str:
    """The case page's Tasks section, for those who have tasks: read in one query."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not access.can(user, "cases.task.view"):
        return ""
    tasks = list(task_list_for_case(actor=user, case=case).filter(status=TaskStatus.OPEN))
    access_list_record(actor=user, records=tasks)
    # As the service allows: on any case the reader sees, while it is open.
    may_add = case.is_open and access.can(user, "cases.task.add")
    return render_to_string(
        "cases/tasks/case_tasks.html",
        {
            "rows": _rows(user, tasks),
            "add_url": reverse("case-task-create", args=[case.id]) if may_add else None,
        },
        request=request,
    )
