"""Referral packages: a police force's caseworkers upload packages, follow their
progress and read their rejected lines (API and pages); another force's package,
its supervisor's included, answers 404. The package format's JSON Schema is for
anyone signed in."""

from agencies.models import Role
from tests.authz import OTHER, OWN, Endpoint

# Written out, never imported from the policy: the matrix must fail when it changes.
POLICE_CASEWORKERS = frozenset(
    {Role.GENERALIST_OFFICER, Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR}
)
ALL_ROLES = frozenset(Role)

PACKAGE_FIELDS = frozenset(
    {
        "id",
        "file_name",
        "format",
        "size_bytes",
        "sha256",
        "uploaded_at",
        "uploaded_by",
        "state",
        "lines_done",
        "processed",
        "accepted",
        "rejected",
        "duplicates",
        "started_at",
        "finished_at",
        "failure",
        "raw_kept",
        "raw_disposed_at",
        "status_url",
        "rejections_url",
    }
)
REJECTION_FIELDS = frozenset({"line_number", "field", "reason"})
SCHEMA_FIELDS = frozenset(
    {
        "$schema",
        "$id",
        "title",
        "description",
        "type",
        "additionalProperties",
        "required",
        "properties",
    }
)


def a_package(owner, actor) -> dict:
    """An imported package of `owner`, with one rejected line."""
    from intake.models import IntakeRejection
    from tests.intake.factories import IntakePackageFactory

    package = IntakePackageFactory(agency=owner, uploaded_by=actor.user, state="imported")
    IntakeRejection.objects.create(
        package=package, line_number=2, field="source", reason='Unknown source "x".'
    )
    return {"package": package.id}


def a_package_file(values) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.intake.package_lines import jsonl, report

    return {
        "file": SimpleUploadedFile(
            "cybertips.jsonl", jsonl(report(1)), content_type="application/x-ndjson"
        )
    }


ROWS = [
    Endpoint(
        "intake-packages",
        "GET",
        "/api/v1/intake/packages/",
        POLICE_CASEWORKERS,
        setup=a_package,
        listing=True,
        fields=PACKAGE_FIELDS,
    ),
    Endpoint(
        "intake-packages",
        "POST",
        "/api/v1/intake/packages/",
        POLICE_CASEWORKERS,
        ok=202,
        body=a_package_file,
        multipart=True,
    ),
    Endpoint(
        "intake-package",
        "GET",
        "/api/v1/intake/packages/{package}/",
        POLICE_CASEWORKERS,
        targets=(OWN, OTHER),
        setup=a_package,
        fields=PACKAGE_FIELDS,
    ),
    Endpoint(
        "intake-package-rejections",
        "GET",
        "/api/v1/intake/packages/{package}/rejections/",
        POLICE_CASEWORKERS,
        targets=(OWN, OTHER),
        setup=a_package,
        listing=True,
        fields=REJECTION_FIELDS,
    ),
    # Only a stopped import resumes: an imported one answers 409, changing nothing.
    Endpoint(
        "intake-package-resume",
        "POST",
        "/api/v1/intake/packages/{package}/resume/",
        POLICE_CASEWORKERS,
        ok=409,
        targets=(OWN, OTHER),
        setup=a_package,
    ),
    # The published format: a description, not records.
    Endpoint(
        "intake-schema",
        "GET",
        "/api/v1/intake/schema/",
        ALL_ROLES,
        fields=SCHEMA_FIELDS,
        scan=False,
    ),
    Endpoint("intake-packages", "GET", "/intake/packages/", POLICE_CASEWORKERS, page=True),
    *(
        Endpoint(
            "intake-package-create", method, "/intake/packages/new/", POLICE_CASEWORKERS, page=True
        )
        for method in ("GET", "POST")
    ),
    Endpoint(
        "intake-package-detail",
        "GET",
        "/intake/packages/{package}/",
        POLICE_CASEWORKERS,
        page=True,
        targets=(OWN, OTHER),
        setup=a_package,
    ),
    # Refused (imported, not stopped), it goes back to the package's page.
    Endpoint(
        "intake-package-resume",
        "POST",
        "/intake/packages/{package}/resume/",
        POLICE_CASEWORKERS,
        ok=302,
        page=True,
        targets=(OWN, OTHER),
        setup=a_package,
    ),
]
