"""The optional read replica (DATABASE_REPLICA_URL, see docs/deployment.md).

Installed only when a replica is configured. Writes and migrations always go to
`default`; a read goes to `replica` only inside `common.replica.replica_reads()`
(the reports and statistics) and only for casework data. Who may read (members,
agencies, the access log's chain, sessions, sign-in) is always read from the
primary: a membership ended a moment ago must not look live on a lagging replica.
"""

from django.db import connections
from django.db.models import Model

from common.replica import REPLICA, replica_reads_active

DEFAULT = "default"

# The apps whose rows a statistical return counts. Access control (agencies, auth,
# guardian, django_otp, axes) and sessions are not among them.
REPLICA_APPS = frozenset({"cases", "safeguarding", "referrals", "welfare", "common"})
# Casework tables that say who may read: always from the primary too.
ACCESS_MODELS = frozenset(
    {
        "cases.casegrant",
        "cases.caseuserobjectpermission",
        "cases.casegroupobjectpermission",
        "cases.casepartygroupobjectpermission",
    }
)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: object) -> str:
        if (
            replica_reads_active()
            and model._meta.app_label in REPLICA_APPS
            and model._meta.label_lower not in ACCESS_MODELS
            and replica_configured()
        ):
            return REPLICA
        return DEFAULT

    def db_for_write(self, model: type[Model], **hints: object) -> str:
        return DEFAULT

    def allow_relation(self, obj1: Model, obj2: Model, **hints: object) -> bool:
        # The replica holds the same rows as the primary.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA, None}

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool:
        return db == DEFAULT
