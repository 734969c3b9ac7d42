"""Matrix rows for the shared language of risk. The vocabulary (levels, templates,
every agency's scale) is for any signed-in member; an agency's scale is changed
only by that agency's admin; its targets are read by its own members and set by
its admin. The scales of other agencies (a force's, a hub's, a charity's, or the
force that granted the caller a case) are read by anyone and changed by none of
them."""

from agencies.models import Role
from safeguarding.models import RiskScale, RiskScaleLevel
from tests.authz import ALL_ROLES, CHARITY, EVERY_OWNER, GRANTED, HUB, OTHER, Endpoint
from tests.authz.rows_case_pages import form_page

ADMIN = frozenset({Role.AGENCY_ADMIN})
OWN_AND_OTHER = EVERY_OWNER
SCALE_FIELDS = frozenset(
    {"agency", "name", "version", "is_current", "levels", "reason", "created_at"}
)


def an_agency(owner, actor) -> dict:
    return {"agency": owner.slug}


def an_agency_with_a_scale(owner, actor) -> dict:
    scale = RiskScale.objects.filter(agency=owner).first()
    if scale is not None:  # one scale an agency: another target's build made it
        return {"agency": owner.slug, "_version": scale.version}
    scale = RiskScale.objects.create(agency=owner, version=1, name="Red, amber, green")
    for position, (label, shared_level) in enumerate(
        [("Red", "high"), ("Amber", "medium"), ("Green", "low")], start=1
    ):
        RiskScaleLevel.objects.create(
            scale=scale,
            position=position,
            label=label,
            definition=f"{label}: what it means.",
            shared_level=shared_level,
        )
    return {"agency": owner.slug, "_version": scale.version}


ROWS = [
    Endpoint(
        "risk-levels", "GET", "/api/v1/risk/levels/", ALL_ROLES, fields=frozenset({"results"})
    ),
    Endpoint(
        "risk-templates",
        "GET",
        "/api/v1/risk/templates/",
        ALL_ROLES,
        fields=frozenset({"results"}),
    ),
    Endpoint(
        "risk-scales",
        "GET",
        "/api/v1/risk/scales/",
        ALL_ROLES,
        setup=an_agency_with_a_scale,
        listing=True,
        fields=SCALE_FIELDS,
    ),
    # Any member reads any agency's scale: the vocabulary is not secret.
    Endpoint(
        "risk-scale-detail",
        "GET",
        "/api/v1/risk/scales/{agency}/",
        ALL_ROLES,
        targets=EVERY_OWNER,
        open_targets=(OTHER, HUB, CHARITY, GRANTED),
        setup=an_agency_with_a_scale,
        fields=SCALE_FIELDS,
    ),
    Endpoint(
        "risk-scale-detail",
        "PUT",
        "/api/v1/risk/scales/{agency}/",
        ADMIN,
        body={
            "name": "Red, amber, green",
            "levels": [
                {"label": "Red", "definition": "Serious risk now.", "shared_level": "critical"},
                {"label": "Amber", "definition": "Some risk.", "shared_level": "medium"},
                {"label": "Green", "definition": "Known and low.", "shared_level": "low"},
            ],
            "reason": "matrix test",
        },
        needs_version=True,
        targets=OWN_AND_OTHER,
        setup=an_agency_with_a_scale,
    ),
    Endpoint(
        "risk-targets",
        "GET",
        "/api/v1/risk/targets/{agency}/",
        ALL_ROLES,
        targets=OWN_AND_OTHER,
        setup=an_agency,
        fields=frozenset({"agency", "targets", "defaults"}),
    ),
    Endpoint(
        "risk-targets",
        "PUT",
        "/api/v1/risk/targets/{agency}/",
        ADMIN,
        body={"targets": {"critical": 1, "high": 4, "unknown": 4, "medium": 10, "low": 20}},
        targets=OWN_AND_OTHER,
        setup=an_agency,
    ),
    # Pages
    Endpoint("risk-vocabulary", "GET", "/risk/", ALL_ROLES, page=True),
    *form_page(
        "risk-scale-edit",
        "/risk/scales/{agency}/edit/",
        ADMIN,
        targets=OWN_AND_OTHER,
        setup=an_agency_with_a_scale,
    ),
    *form_page(
        "risk-targets-edit",
        "/risk/targets/{agency}/edit/",
        ADMIN,
        targets=OWN_AND_OTHER,
        setup=an_agency,
    ),
]
