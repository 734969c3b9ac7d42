"""The authorization matrix's data: every endpoint and method as a row.

Every expectation here is written out literally. Nothing is imported from
`agencies.access` (or any other application module) to say who may do what: the
matrix must fail when the policy changes and the rows do not.

The columns are the personas: each role in the kind of agency it works in, with
the two charities side by side (a partner caseworker of a victim-support charity
and one of a family-support charity).

A row says which columns may use the endpoint (``allowed``: roles, or for the
charities their `Column`), what it answers when they may (``ok``), and which
targets it is aimed at:

* ``own``: a record of the caller's own agency;
* ``other``: a record of another police force;
* ``hub``: a record owned by a safeguarding hub that is not the caller's;
* ``charity``: a record owned by a charity that is not the caller's;
* ``granted``: another force's record whose case was granted to the caller's agency
  (allowed only where the row says ``granted_ok``);
* ``colleague``: a record of another member of the caller's own agency
  (notifications: personal to their owner);
* for referrals (rows with ``side``), which side the caller's agency is on:
  ``own`` is the side the row is about, ``other-side`` the other side of the same
  referral (``other_side`` says what the allowed columns get there: 409 for a move
  that is not theirs, 200 where both sides read, 404 for a draft), ``other`` a
  referral between two other agencies, ``granted`` a referral between two other
  agencies about a case granted to the caller's agency.

``setup(owner, actor)`` builds the records a row needs and returns the values for
its path (``{case}``, ``{member}``...) and body; keys starting with ``_`` are kept
for the body and the granting. For a referral row it is
``setup(sender, receiver, actor)``. The matrix builds each row's records once per
owner (``per_actor=True`` when they belong to the caller themselves) and runs every
cell against them inside a savepoint that is rolled back.

``fields`` is the literal set of top-level keys a successful GET answers with
(each item's keys for a list), or a dict of such sets by target; every API GET
row declares it.

Each capability keeps its rows in a module here named ``rows_<concept>.py`` with a
list ``ROWS`` (and, if any, ``SIGN_IN_ENDPOINTS`` and ``COVERED_ELSEWHERE``: dicts
of ``(kind, url name, method)``, kind ``"api"`` or ``"page"``, to the reason).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from agencies.models import Role

# --- Columns


@dataclass(frozen=True)
class Column:
    """A persona: a role, in the kind of agency that role works in."""

    role: Role
    agency: str  # a key of the matrix world's agencies
    label: str

    def __str__(self) -> str:
        return self.label


GENERALIST_OFFICER = Column(Role.GENERALIST_OFFICER, "police", "generalist-officer")
SPECIALIST_INVESTIGATOR = Column(Role.SPECIALIST_INVESTIGATOR, "police", "investigator")
POLICE_SUPERVISOR = Column(Role.POLICE_SUPERVISOR, "police", "police-supervisor")
MASH_COORDINATOR = Column(Role.MASH_COORDINATOR, "hub", "mash-coordinator")
SOCIAL_WORKER = Column(Role.SOCIAL_WORKER, "childrens", "social-worker")
VICTIM_SUPPORT_PARTNER = Column(Role.PARTNER_CASEWORKER, "victim_support", "victim-support-partner")
FAMILY_SUPPORT_PARTNER = Column(Role.PARTNER_CASEWORKER, "family_support", "family-support-partner")
AGENCY_ADMIN = Column(Role.AGENCY_ADMIN, "police", "agency-admin")
AUDITOR = Column(Role.AUDITOR, "police", "auditor")
RECORDS_MANAGER = Column(Role.RECORDS_MANAGER, "police", "records-manager")

COLUMNS: tuple[Column, ...] = (
    GENERALIST_OFFICER,
    SPECIALIST_INVESTIGATOR,
    POLICE_SUPERVISOR,
    MASH_COORDINATOR,
    SOCIAL_WORKER,
    VICTIM_SUPPORT_PARTNER,
    FAMILY_SUPPORT_PARTNER,
    AGENCY_ADMIN,
    AUDITOR,
    RECORDS_MANAGER,
)

# Every column (a bare role in an allowed set stands for every column of that role).
ALL_ROLES = frozenset(Role)

# --- Targets

OWN = "own"
OTHER = "other"
HUB = "hub"
CHARITY = "charity"
GRANTED = "granted"
COLLEAGUE = "colleague"
OTHER_SIDE = "other-side"

# A record that hangs off an agency: the caller's, another force's, and another
# force's granted to the caller's agency.
RECORD_TARGETS = (OWN, OTHER, GRANTED)
# The same, with a hub's and a charity's records beside another force's (on a
# representative row of each kind of record: the scoping is the same query).
EVERY_OWNER = (OWN, OTHER, HUB, CHARITY, GRANTED)
# A referral: the row's side, the other side of the same referral, one between two
# other agencies, and one between two others about a case granted to the caller.
REFERRAL_TARGETS = (OWN, OTHER_SIDE, OTHER, GRANTED)

# The envelope of every cursor-paginated list.
PAGE_ENVELOPE = frozenset({"next", "previous", "results"})


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
    targets: tuple[str, ...] = (OWN,)
    granted_ok: bool = False
    setup: Callable | None = None
    # Anything that must be sent as multipart (uploads) rather than JSON.
    multipart: bool = False
    # The literal top-level keys of a successful GET (each item's for a list), or a
    # dict of them by target.
    fields: frozenset | dict | None = None
    # Whether a successful GET is a cursor-paginated list (`fields` are the items').
    listing: bool = False
    # Targets that answer as `own` does: records any member may read (the vocabulary).
    open_targets: tuple[str, ...] = ()
    # Referral rows: which side `own` is ("sender" or "receiver"), and what the
    # allowed columns get on the other side of the same referral.
    side: str | None = None
    other_side: int = 409
    # Build the records per caller (they are the caller's own: notifications, teams).
    per_actor: bool = False
    # What a column outside `allowed` gets on its own target, when it is not the
    # usual (404 for one record or a page, 403 for a collection): one status, or a
    # dict of them by role or column (403 for those who may see the record but not
    # act on it).
    denied: int | dict | None = None
    # What the allowed columns get for a record out of their reach (another
    # agency's, or a granted one the row does not allow): 404, or 400 when the
    # record is named in the body of a collection's POST.
    elsewhere: int = 404
    # The keys of a list's envelope, when it is not the cursor page.
    envelope: frozenset = PAGE_ENVELOPE
    # Whether a successful answer carries records, so that the walls of the
    # compartments are looked for in it however deep (not the API's description).
    scan: bool = True
    # Keys that must appear nowhere in a successful answer, however deep.
    never: frozenset = frozenset()
    # Extra headers for every call.
    headers: dict = field(default_factory=dict)
    # After a cell answered as expected: `then(values, column, target)` returns what
    # is wrong with the records (a refused move changed something...), or None.
    then: Callable | None = None
    # After a successful GET: `judge(values, column, target, answer)` returns what
    # is wrong with the answer's content (a receiver shown more than the snapshot...).
    judge: Callable | None = None

    @property
    def label(self) -> str:
        return f"{'page' if self.page else 'api'} {self.method} {self.path}"

    @property
    def acts_on_one_record(self) -> bool:
        return "{" in self.path

    def allows(self, column: Column) -> bool:
        return column in self.allowed or column.role in self.allowed

    def expected(self, column: Column | Role, target: str) -> int:
        if not isinstance(column, Column):
            column = next(c for c in COLUMNS if c.role == column)
        as_own = target == OWN or target in self.open_targets
        if not self.allows(column):
            if as_own or not (self.page or self.acts_on_one_record):
                return self._denied(column)
            return 404
        if as_own:
            return self.ok
        if target == GRANTED:
            return self.ok if self.granted_ok else self.elsewhere
        if target == OTHER_SIDE:
            return self.other_side
        return self.elsewhere

    def _denied(self, column: Column) -> int:
        if isinstance(self.denied, dict):
            found = self.denied.get(column, self.denied.get(column.role))
            if found is not None:
                return found
        elif self.denied is not None:
            return self.denied
        return 404 if (self.page or self.acts_on_one_record) else 403

    def expected_fields(self, target: str) -> frozenset | None:
        if isinstance(self.fields, dict):
            return self.fields.get(target)
        return self.fields
