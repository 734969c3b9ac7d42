"""The authorization matrix's data: every endpoint as a row.

A row says which roles may use the endpoint, what it answers when they may, and
which targets it can be aimed at:

* ``own``: a record of the caller's own agency;
* ``other``: a record of another agency (always 404);
* ``granted``: another agency's record granted to the caller's agency (allowed only
  for the actions in ``agencies.access.GRANTED_ACTIONS``).

``setup(owner_agency, actor)`` builds the records a row needs and returns the
values for the row's path (``{case}``, ``{member}``...). Each capability keeps its
rows in a module here named ``rows_<concept>.py`` with a list ``ROWS``; the
matrix test collects them all.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from agencies.models import Role

ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class Endpoint:
    name: str  # the URL name (under the `api` namespace for API rows)
    method: str
    path: str
    allowed: frozenset = field(default_factory=frozenset)
    ok: int = 200
    body: dict | Callable | None = None
    needs_version: bool = False
    page: bool = False
    targets: tuple[str, ...] = ("own",)
    granted_ok: bool = False
    setup: Callable | None = None
    # Anything that must be sent as multipart (uploads) rather than JSON.
    multipart: bool = False

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def acts_on_one_record(self) -> bool:
        return "{" in self.path

    def expected(self, role: Role, target: str) -> int:
        if target == "other":
            return 404
        if target == "granted":
            return self.ok if (role in self.allowed and self.granted_ok) else 404
        if role in self.allowed:
            return self.ok
        return 404 if (self.page or self.acts_on_one_record) else 403
