"""Home's profile page (issue 18): everyone signed in reads their own (their name,
agency, role and team, and the links their role has). Home itself keeps its row in
rows_agencies.py."""

from agencies.models import Role
from tests.authz import Endpoint

# Written out, never imported from the policy: the matrix must fail when it changes.
EVERYONE = frozenset(Role)

ROWS = [Endpoint("profile", "GET", "/profile/", EVERYONE, page=True)]
