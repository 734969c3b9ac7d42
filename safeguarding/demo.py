"""The demo agencies' own risk scales, each mapped to the shared levels. Part of
the demo's contract: the tests and the documentation use these words."""

from django.db import transaction

from agencies.models import Agency
from safeguarding.models import RiskScale, RiskScaleLevel, SharedLevel
from safeguarding.services.queue import priorities_refresh_for_agency

POLICE_SCALE = (
    "Suspect prioritisation",
    [
        (
            "Very high",
            "A child is at risk of contact abuse now: the suspect has access to children "
            "and is grooming, producing images or live-streaming abuse, or is coercing "
            "children. Act the same working day.",
            SharedLevel.CRITICAL,
        ),
        (
            "High",
            "Indicators of contact abuse or of serious online harm (access to children, "
            "sextortion, first-generation material, a role in an offender community) "
            "without an immediate danger to a known child.",
            SharedLevel.HIGH,
        ),
        (
            "Medium",
            "Some risk factors, such as previous sexual offending or many images, but no "
            "sign of access to children or of serious online harm.",
            SharedLevel.MEDIUM,
        ),
        (
            "Low",
            "Enough is known, after enquiry, to judge the risk low. Not a grade for a "
            "suspect about whom little is known.",
            SharedLevel.LOW,
        ),
    ],
)

CHILDRENS_THRESHOLDS = (
    "Threshold of need",
    [
        (
            "Child protection (s47)",
            "Reasonable cause to suspect that the child is suffering, or is likely to "
            "suffer, significant harm (Children Act 1989, section 47): a strategy "
            "discussion and enquiries follow.",
            SharedLevel.CRITICAL,
        ),
        (
            "Child in need (s17)",
            "The child is unlikely to reach or keep a reasonable standard of health or "
            "development without services from the local authority (Children Act 1989, "
            "section 17).",
            SharedLevel.HIGH,
        ),
        (
            "Early help",
            "Emerging needs that coordinated early help from universal and targeted "
            "services can meet, with the family's agreement.",
            SharedLevel.MEDIUM,
        ),
        (
            "Universal",
            "Needs that universal services (school, GP, health visitor) meet; no "
            "additional support is needed.",
            SharedLevel.LOW,
        ),
    ],
)

CHARITY_RAG = (
    "Red, amber, green",
    [
        (
            "Red",
            "A serious risk to the person's safety or wellbeing now: contact them first "
            "and consider a safeguarding referral.",
            SharedLevel.HIGH,
        ),
        (
            "Amber",
            "Needs that affect the person's safety or wellbeing, with no immediate danger: "
            "plan support in the normal course of work.",
            SharedLevel.MEDIUM,
        ),
        (
            "Green",
            "Needs are known and low, or already met: signposting and routine contact.",
            SharedLevel.LOW,
        ),
    ],
)

# The hub applies the same local thresholds as children's services.
DEMO_SCALES = {
    "northshire-police": POLICE_SCALE,
    "southshire-police": POLICE_SCALE,
    "northshire-childrens-services": CHILDRENS_THRESHOLDS,
    "northshire-mash": CHILDRENS_THRESHOLDS,
    "harbour-victim-support": CHARITY_RAG,
    "lighthouse-family-support": CHARITY_RAG,
}


@transaction.atomic
def seed_scales() -> str:
    """Version 1 of each demo agency's scale, for an agency that has none yet; an
    agency that already has a scale (even one an admin changed) keeps it."""
    created = 0
    agencies = Agency.objects.filter(slug__in=DEMO_SCALES).order_by("slug")
    for agency in agencies:
        if RiskScale.objects.filter(agency=agency).exists():
            continue
        name, grades = DEMO_SCALES[agency.slug]
        scale = RiskScale.objects.create(
            agency=agency,
            version=1,
            name=name,
            is_current=True,
            change_reason="The demo's scale.",
        )
        RiskScaleLevel.objects.bulk_create(
            RiskScaleLevel(
                scale=scale,
                position=position,
                label=label,
                definition=definition,
                shared_level=shared_level,
            )
            for position, (label, definition, shared_level) in enumerate(grades, start=1)
        )
        # Cases seeded before the scale take its grades now.
        priorities_refresh_for_agency(agency_id=agency.pk)
        created += 1
    total = RiskScale.objects.filter(agency__slug__in=DEMO_SCALES, is_current=True).count()
    return f"{created} new; {total} of {len(DEMO_SCALES)} demo agencies have a scale."
