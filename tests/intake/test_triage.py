"""Triage: each factor with its weight, the unknown rule, the level, grade and target,
and the critical notification to the supervisors, once."""

import pytest

from agencies.working_days import add_working_days
from common.models import Notification
from intake.services.bundling import reports_bundle
from intake.services.triage import ItemFacts, item_triage, triage_compute
from safeguarding.models import ActionTarget, RiskScale, RiskScaleLevel, SharedLevel
from tests.intake.factories import IntakeReportFactory

pytestmark = pytest.mark.django_db

KNOWN_NO = {
    "imminent_risk": False,
    "self_harm": False,
    "sextortion": False,
    "contact_offending": False,
    "meeting_arranged": False,
}


def _facts(**changes):
    facts = ItemFacts(
        report_count=1,
        youngest_age=17,
        indicators=dict(KNOWN_NO),
        suspect_access=False,
        files_hash_matched=0,
        files_total=0,
        repeat_identifiers=False,
    )
    indicators = changes.pop("indicators", {})
    facts.indicators.update(indicators)
    for name, value in changes.items():
        setattr(facts, name, value)
    return facts


def _factor(triage, name):
    return next(f for f in triage.factors if f["factor"] == name)


def test_every_factor_is_stored_with_its_label_weight_value_and_points():
    triage = triage_compute(_facts())
    names = [f["factor"] for f in triage.factors]
    assert names == [
        "imminent_risk",
        "self_harm",
        "sextortion",
        "contact_offending",
        "meeting_arranged",
        "age",
        "hash_matches",
        "files_total",
        "reports",
        "repeat_identifiers",
        "suspect_access",
    ]
    for factor in triage.factors:
        assert set(factor) == {"factor", "label", "weight", "value", "points"}
    assert triage.score == 5  # a 17-year-old
    assert triage.level == SharedLevel.LOW


@pytest.mark.parametrize(
    ("indicator", "points"),
    [("sextortion", 40), ("contact_offending", 40), ("meeting_arranged", 40)],
)
def test_an_indicator_adds_its_weight(indicator, points):
    triage = triage_compute(_facts(indicators={indicator: True}))
    assert _factor(triage, indicator)["points"] == points
    assert triage.score == 5 + points
    assert triage.level == SharedLevel.MEDIUM


@pytest.mark.parametrize("indicator", ["imminent_risk", "self_harm"])
def test_imminent_risk_or_self_harm_is_critical(indicator):
    triage = triage_compute(_facts(indicators={indicator: True}))
    assert (triage.level, triage.band) == (SharedLevel.CRITICAL, 0)
    assert _factor(triage, indicator)["points"] == 100


@pytest.mark.parametrize(("age", "points"), [(4, 30), (11, 20), (14, 10), (17, 5), (19, 0)])
def test_younger_scores_more(age, points):
    assert _factor(triage_compute(_facts(youngest_age=age)), "age")["points"] == points


def test_hash_matches_and_volume():
    triage = triage_compute(_facts(files_hash_matched=3, files_total=120, report_count=12))
    assert _factor(triage, "hash_matches")["points"] == 20
    assert _factor(triage, "files_total")["points"] == 15
    assert _factor(triage, "reports")["points"] == 10
    assert triage.score == 5 + 20 + 15 + 10
    assert triage.level == SharedLevel.MEDIUM  # 50: high from 60
    assert _factor(triage_compute(_facts(files_total=12)), "files_total")["points"] == 10
    assert _factor(triage_compute(_facts(report_count=3)), "reports")["points"] == 5


def test_repeat_identifiers():
    assert (
        _factor(triage_compute(_facts(repeat_identifiers=True)), "repeat_identifiers")["points"]
        == 20
    )


def test_suspect_with_access_to_children():
    triage = triage_compute(_facts(suspect_access=True))
    assert _factor(triage, "suspect_access")["points"] == 30
    assert triage.level == SharedLevel.MEDIUM


def test_all_unknown_is_unknown_never_low():
    facts = ItemFacts(report_count=1)
    triage = triage_compute(facts)
    assert triage.level == SharedLevel.UNKNOWN
    assert triage.score == 0
    unknown = [f["factor"] for f in triage.factors if f["value"] is None]
    assert "reports" not in unknown
    assert len(unknown) == len(triage.factors) - 1


@pytest.mark.parametrize(
    "missing", ["imminent_risk", "self_harm", "sextortion", "contact_offending", "meeting_arranged"]
)
def test_one_unknown_deciding_indicator_is_never_low(missing):
    triage = triage_compute(_facts(indicators={missing: None}))
    assert _factor(triage, missing)["value"] is None
    assert triage.level == SharedLevel.UNKNOWN


def test_an_unknown_age_is_never_low():
    assert triage_compute(_facts(youngest_age=None)).level == SharedLevel.UNKNOWN


def test_a_score_above_low_stands_despite_unknowns():
    facts = ItemFacts(report_count=1, indicators={"sextortion": True}, suspect_access=True)
    assert triage_compute(facts).level == SharedLevel.HIGH


def test_a_bundle_is_no_only_when_every_report_says_no(north):
    a = IntakeReportFactory(agency=north, sextortion=False)
    b = IntakeReportFactory(agency=north, sextortion=None)
    reports_bundle(reports=[a])
    a.refresh_from_db()
    b.item = a.item
    b.save()
    item = item_triage(item=a.item)
    assert next(f for f in item.triage_factors if f["factor"] == "sextortion")["value"] is None


def test_the_level_maps_to_the_agencys_grade_and_target(north):
    scale = RiskScale.objects.create(agency=north, version=1, is_current=True, name="KIRAT")
    RiskScaleLevel.objects.create(
        scale=scale, position=1, label="Very high", shared_level=SharedLevel.CRITICAL
    )
    RiskScaleLevel.objects.create(
        scale=scale, position=2, label="High", shared_level=SharedLevel.HIGH
    )
    ActionTarget.objects.create(agency=north, level=SharedLevel.HIGH, working_days=2)
    report = IntakeReportFactory(
        agency=north, sextortion=True, contact_offending=True, youngest_age=13
    )
    reports_bundle(reports=[report])
    report.refresh_from_db()
    item = report.item
    assert item.level == SharedLevel.HIGH
    assert item.agency_grade == "High"
    assert item.action_due_at == add_working_days(item.received_at, 2)
    assert item.triage_score == 40 + 40 + 10


@pytest.mark.parametrize("indicator", ["child_at_imminent_risk", "self_harm"])
def test_a_critical_item_tells_the_supervisors_once(
    north, supervisor_north, officer_north, indicator
):
    report = IntakeReportFactory(agency=north, **{indicator: True})
    reports_bundle(reports=[report])
    report.refresh_from_db()
    item = report.item
    assert (item.level, item.band) == (SharedLevel.CRITICAL, 0)
    told = Notification.objects.filter(kind="intake.item_critical")
    assert [n.user for n in told] == [supervisor_north.user]
    notice = told.get()
    assert notice.link == f"/intake/items/{item.pk}/"
    assert "@" not in notice.message
    # Re-triaged when it gains a report: nobody is told twice.
    more = IntakeReportFactory(agency=north, self_harm=True)
    more.item = item
    more.save()
    item_triage(item=item)
    assert told.count() == 1
    assert ActionTarget.DEFAULTS[SharedLevel.CRITICAL] == 1
    assert item.action_due_at == add_working_days(item.received_at, 1)
