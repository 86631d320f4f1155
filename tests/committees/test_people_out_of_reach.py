"""A person outside the caller's reach is "不存在", never named (issue 13 item 4)."""
import pytest

from committees.models import MeetingBody


@pytest.fixture
def h002_committee(bodies):
    return MeetingBody.objects.get(institution=bodies.institutions["H002"], kind="committee")


def test_it_does_not_name_another_hospitals_person_as_chair(api, personas, h002_committee):
    stranger = personas["head_cardiology"]  # H001
    assert stranger.get_full_name()
    r = api(personas["qc_office_h002"]).post("/api/v1/meetings/", {
        "body": h002_committee.pk, "starts_at": "2026-10-09T14:30:00+08:00", "place": "x", "chair": stranger.pk,
    }, format="json")
    assert r.status_code == 400 and "chair" in r.json()
    text = r.content.decode()
    assert stranger.get_full_name() not in text and stranger.username not in text
    assert "不存在" in text
    # the same answer as for an id nobody has
    nobody = api(personas["qc_office_h002"]).post("/api/v1/meetings/", {
        "body": h002_committee.pk, "starts_at": "2026-10-09T14:30:00+08:00", "place": "x", "chair": 987654,
    }, format="json")
    assert nobody.json()["chair"][0].replace("987654", "#") == r.json()["chair"][0].replace(str(stranger.pk), "#")


def test_it_still_names_a_colleague_who_may_not_chair(api, personas, h002_committee):
    """Within reach the rule's message stays helpful."""
    from organizations.models import Membership

    colleague = Membership.objects.filter(institution__code="H002", is_active=True).exclude(
        user=h002_committee.institution.principal).exclude(user__first_name="").first().user
    r = api(personas["qc_office_h002"]).post("/api/v1/meetings/", {
        "body": h002_committee.pk, "starts_at": "2026-10-09T14:30:00+08:00", "place": "x", "chair": colleague.pk,
    }, format="json")
    assert r.status_code == 400 and "第十二条" in r.json()["chair"][0]
