import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _access_log_numbered_from_one(request):
    """On PostgreSQL the access log is numbered by a sequence, which a test's rollback
    does not wind back: start each test after the entries it can see (none), so that
    its entries are numbered 1, 2, 3 as on SQLite."""
    if connection.vendor != "postgresql" or "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval('agencies_accesslogentry_sequence_seq',"
            " COALESCE(MAX(sequence), 0) + 1, false) FROM agencies_accesslogentry"
        )
