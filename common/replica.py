"""Reads that may be served by a read replica (issue 15: the reports and statistics
go to a replica when one is configured).

A router sees a model, not a purpose: it cannot tell a report's count of outcomes
from the read of a case before it is changed. So the report says so itself, by
running inside `replica_reads()`; `config.db_router.ReplicaRouter` then sends the
reads of casework data made inside it to the `replica` alias. Without a replica
(no DATABASE_REPLICA_URL, no router) the context changes nothing.

Only statistical returns belong here: figures that may be a few seconds behind
the primary. A read that decides a write, or who may see what, never does.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

REPLICA = "replica"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Inside: casework reads may come from the replica. Also a decorator
    (`@replica_reads()`)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_reads_active() -> bool:
    return _replica_reads.get()
