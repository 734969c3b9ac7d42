"""The retention rules as first seeded (migration 0002), each with its source: see
docs/adr/0015-retention-and-disposal.md. A later change to a rule is a new migration
that updates its row; this list stays as it was seeded."""

MOPI = (
    "College of Policing, Authorised Professional Practice: Information management, "
    "Management of police information (MoPI), 'Retention, review and disposal'"
)
MOPI_URL = "https://www.college.police.uk/app/information-management/management-police-information"
CSA_OFFENCES = [
    # Every offence Tideline records against children but "prohibited images" and
    # "other": sexual offences against children, indecent images of children among
    # them (Protection of Children Act 1978 s.1; Criminal Justice Act 1988 s.160).
    "iioc_possessing",
    "iioc_making",
    "iioc_distributing",
    "sexual_communication",
    "meeting_after_grooming",
    "causing_inciting",
    "sexual_extortion",
    "live_streamed_abuse",
]

RULES = [
    {
        "code": "mopi-group-1",
        "agency_kind": "police",
        "label": "MoPI group 1: certain public protection matters",
        "rank": 1,
        "offence_types": CSA_OFFENCES,
        "is_default": False,
        "first_review_years": 10,
        "review_every_years": 10,
        "keep_until_age": 100,
        "age_of": "suspect",
        "first_review_not_before_age": None,
        "source": f"{MOPI}: group 1, certain public protection matters (serious sexual and "
        "violent offences, indecent images of children among them), are retained until the "
        "subject is deemed to have reached 100 years of age, and reviewed every 10 years to "
        "make sure they are adequate and up to date.",
        "source_url": MOPI_URL,
    },
    {
        "code": "mopi-group-2",
        "agency_kind": "police",
        "label": "MoPI group 2: other sexual, violent or serious offences",
        "rank": 2,
        "offence_types": ["prohibited_images"],
        "is_default": False,
        "first_review_years": 10,
        "review_every_years": 10,
        "keep_until_age": None,
        "age_of": "",
        "first_review_not_before_age": None,
        "source": f"{MOPI}: group 2, other sexual, violent or serious offences, are reviewed "
        "every 10 years and kept while the risk they relate to remains.",
        "source_url": MOPI_URL,
    },
    {
        "code": "mopi-group-3",
        "agency_kind": "police",
        "label": "MoPI group 3: all other offences",
        "rank": 3,
        "offence_types": [],
        "is_default": True,
        "first_review_years": 6,
        "review_every_years": 6,
        "keep_until_age": None,
        "age_of": "",
        "first_review_not_before_age": None,
        "source": f"{MOPI}: group 3, all other offences (and records with no offence), are "
        "reviewed after 6 years and disposed of unless a review finds a reason to keep them.",
        "source_url": MOPI_URL,
    },
    {
        "code": "childrens-looked-after",
        "agency_kind": "childrens_services",
        "label": "Children's social care: a looked-after child",
        "rank": 1,
        "offence_types": [],
        "is_default": False,
        "first_review_years": 6,
        "review_every_years": 6,
        "keep_until_age": 75,
        "age_of": "child",
        "first_review_not_before_age": 75,
        "source": "The Care Planning, Placement and Case Review (England) Regulations 2010, "
        "regulation 50: a looked-after child's case record is kept until the 75th anniversary "
        "of their date of birth (15 years after their death if they die before 18). Chosen "
        "on a review: Tideline does not record whether a child is looked after.",
        "source_url": "https://www.legislation.gov.uk/uksi/2010/959/regulation/50",
    },
    {
        "code": "childrens-standard",
        "agency_kind": "childrens_services",
        "label": "Children's social care: other children's records",
        "rank": 2,
        "offence_types": [],
        "is_default": True,
        "first_review_years": 6,
        "review_every_years": 6,
        "keep_until_age": 25,
        "age_of": "child",
        "first_review_not_before_age": 25,
        "source": "The agency's own setting: until the youngest child's 25th birthday or 6 "
        "years after the case closed, whichever is later, as local authorities commonly set "
        "for children's social care records that are not a looked-after child's.",
        "source_url": "",
    },
    {
        "code": "hub-standard",
        "agency_kind": "safeguarding_hub",
        "label": "Safeguarding hub: referrals and threshold decisions",
        "rank": 1,
        "offence_types": [],
        "is_default": True,
        "first_review_years": 6,
        "review_every_years": 6,
        "keep_until_age": 25,
        "age_of": "child",
        "first_review_not_before_age": 25,
        "source": "The agency's own setting: a hub's records about a child follow its host "
        "council's children's social care period (the 25th birthday or 6 years after "
        "closing, whichever is later).",
        "source_url": "",
    },
    {
        "code": "charity-standard",
        "agency_kind": "charity",
        "label": "Charity: support given",
        "rank": 1,
        "offence_types": [],
        "is_default": True,
        "first_review_years": 6,
        "review_every_years": 6,
        "keep_until_age": None,
        "age_of": "",
        "first_review_not_before_age": None,
        "source": "The agency's own setting: 6 years after the case closed, the period within "
        "which most claims about the support given could be brought (Limitation Act 1980, "
        "sections 2 and 5).",
        "source_url": "",
    },
]
