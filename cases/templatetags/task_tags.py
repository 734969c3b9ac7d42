""" "My tasks" on the home page: the reader's open tasks, soonest due first."""

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from agencies import access
from agencies.audit import access_list_record
from cases.selectors.tasks import task_list_for_assignee
from common.dates import day_text

register = template.Library()

# Rows on the home page.
HOME_LIMIT = 10


@register.simple_tag(takes_context=True)
def tasks_home(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not access.can(user, "cases.task.view"):
        return ""
    tasks = list(task_list_for_assignee(actor=user)[: HOME_LIMIT + 1])
    shown = tasks[:HOME_LIMIT]
    today = timezone.localdate()
    rows = [
        {
            "task": task,
            "due_text": day_text(task.due_on),
            "overdue": task.due_on < today,
            "due_today": task.due_on == today,
        }
        for task in shown
    ]
    # Each row names a case: the log names every task shown.
    access_list_record(actor=user, records=shown)
    return render_to_string(
        "cases/includes/tasks_home.html",
        {"rows": rows, "more": len(tasks) > HOME_LIMIT},
        request=request,
    )
