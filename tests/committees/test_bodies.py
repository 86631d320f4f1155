import pytest
from django.core.exceptions import ValidationError

from committees import services
from committees.models import MeetingBody
from organizations.models import Department


def test_it_creates_the_committee_with_the_principal_as_chair_and_a_body_per_department(bodies):
    h001 = bodies.institutions["H001"]
    committee = MeetingBody.objects.get(institution=h001, kind="committee")
    assert committee.chair == h001.principal  # Art. 9
    assert committee.members.filter(pk=h001.principal_id).exists()
    assert committee.members.count() == 20
    n_departments = Department.objects.filter(institution=h001, is_active=True).count()
    assert MeetingBody.objects.filter(institution=h001).exclude(kind="committee").count() == n_departments
    card = MeetingBody.objects.get(department=bodies.dept("H001", "CARD"))
    assert card.kind == "business" and card.chair.username == "head_cardiology"
    assert card.members.filter(username="head_cardiology").exists()
    assert MeetingBody.objects.get(department=bodies.dept("H001", "YW")).kind == "functional"
    assert card.cadence == "monthly" and card.quorum_percent == 50


def test_it_is_idempotent(bodies):
    before = MeetingBody.objects.count()
    services.body_ensure_for_institution(institution=bodies.institutions["H001"])
    assert MeetingBody.objects.count() == before


def test_it_refuses_a_committee_chair_who_is_not_the_principal(committee, personas):
    with pytest.raises(ValidationError) as exc:
        services.body_update(body=committee, actor=personas["qc_office"], chair=personas["head_cardiology"])
    assert "第九条" in str(exc.value) and "李建国" in str(exc.value)
    committee.refresh_from_db()
    assert committee.chair.username == "principal"


def test_it_refuses_a_member_of_another_hospital(committee, personas):
    members = [*committee.members.all(), personas["qc_office_h002"]]
    with pytest.raises(ValidationError) as exc:
        services.body_update(body=committee, actor=personas["qc_office"], members=members)
    assert "第九条" in str(exc.value) and "陈静" in str(exc.value)
    assert not committee.members.filter(username="qc_office_h002").exists()


def test_it_lets_the_quality_office_add_a_quarterly_plenary(committee, personas):
    services.body_update(body=committee, actor=personas["qc_office"], quarterly_plenary=True, quorum_percent=66)
    committee.refresh_from_db()
    assert committee.quarterly_plenary and committee.quorum_percent == 66
