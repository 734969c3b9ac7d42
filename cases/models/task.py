"""A task: work on a case that no duty of care covers, given to one member of the
agency whose work it is, with a date it is due."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from cases.models.base import Versioned, user_ref
from cases.models.case import Case
from cases.models.rules import Errors, RulesFirst


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


def _optional_user() -> "models.ForeignKey[Any, Any]":
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )


class Task(RulesFirst, Versioned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    # The agency whose work it is (the creator's): a granted agency's tasks on a case
    # are its own, never the owner's.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    note = models.TextField(blank=True, default="")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = _optional_user()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = _optional_user()
    cancel_reason = models.TextField(blank=True, default="")
    created_by = user_ref()
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            # "My open tasks", soonest due first (the home page and GET /tasks/).
            models.Index(fields=["assignee", "status", "due_on", "id"], name="task_assignee_due"),
            models.Index(fields=["case", "due_on", "id"], name="task_case_due"),
            # The reminders sweep: the open tasks due in the last week, by date.
            models.Index(
                fields=["due_on"], condition=models.Q(status=TaskStatus.OPEN), name="task_open_due"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def rules(self) -> Errors:
        errors: Errors = {}
        if not self.title.strip():
            errors["title"] = ["Enter what needs doing."]
        return errors
