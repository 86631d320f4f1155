import pytest

from adverse_events.selectors import visible_events


@pytest.fixture
def events(report, personas):
    nurse = personas["staff_nurse"]
    return {
        "card_named": report(nurse, level="C"),
        "card_anon": report(nurse, level="E", anonymous=True),
        "gs_c": report(personas["qc_office"], department="GS", level="C"),
        "gs_f": report(personas["qc_office"], department="GS", level="F"),
        "h2_d": report(personas["qc_office_h002"], institution="H002", department="NK", level="D"),
        "h2_e": report(personas["qc_office_h002"], institution="H002", department="NK", level="E"),
    }


def _names(user, events) -> set[str]:
    ids = set(visible_events(user).values_list("pk", flat=True))
    return {k for k, e in events.items() if e.pk in ids}


def test_it_shows_the_quality_office_all_of_its_hospital(personas, events):
    assert _names(personas["qc_office"], events) == {"card_named", "card_anon", "gs_c", "gs_f"}
    assert _names(personas["qc_office_h002"], events) == {"h2_d", "h2_e"}


def test_it_shows_a_department_head_their_department(personas, events):
    assert _names(personas["head_cardiology"], events) == {"card_named", "card_anon"}


def test_it_shows_a_reporter_only_their_named_reports(personas, events):
    assert _names(personas["staff_nurse"], events) == {"card_named"}


def test_it_shows_officials_class_i_and_ii_under_their_authority(personas, events):
    assert _names(personas["official_jn"], events) == {"card_anon", "gs_f", "h2_e"}  # LX is below JN
    assert _names(personas["official_lx"], events) == {"h2_e"}


def test_it_answers_404_across_hospitals_on_pages_and_api(personas, events, client, api):
    client.force_login(personas["qc_office_h002"])
    pk = events["gs_f"].pk
    assert client.get(f"/events/{pk}/").status_code == 404
    assert client.post(f"/events/{pk}/receive/").status_code == 404
    assert api(personas["official_lx"]).get(f"/api/v1/adverse-events/{pk}/").status_code == 404
    # a head of another department of the same hospital does not see it either
    client.force_login(personas["head_cardiology"])
    assert client.get(f"/events/{pk}/").status_code == 404


def test_it_shows_officials_the_report_to_the_authority(personas, events, client):
    from django.utils import timezone

    from adverse_events import services

    qc = personas["qc_office"]
    event = events["gs_f"]
    services.adverse_event_receive(event=event, actor=qc)
    services.adverse_event_classify(event=event, actor=qc, severity_level="F", safety_grade="general")
    services.adverse_event_report_to_authority(event=event, actor=qc, reported_at=timezone.now())
    client.force_login(personas["official_jn2"])
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert "authority-reported-at" in page and "一般医疗质量安全事件" in page
